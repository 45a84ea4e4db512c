package dev.empiric.runner;

import static io.restassured.RestAssured.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Honest keeps: the baseline is measured on several seed sets, the spread is the campaign's first
 * noise estimate, and an improvement inside z times that noise is never kept on the environment's
 * seeds alone: with confirmation switched off it is DISCARD, however real it looks.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class NoiseFloorTest {

    /** Two more epochs: a small real gain on seed 0, smaller than what the seed alone moves. */
    private static final String SMALL_GAIN = Diffs.digits("EPOCHS = 10", "EPOCHS = 11");

    @Test
    void withoutConfirmationAGainInsideTheNoiseIsDiscardedWithAnExplanation() {
        long campaign = Api.measuredCampaign("digits", Map.of("baselineRepeats", 5, "confirmSeedSets", 0));
        JsonPath view = get("/api/campaigns/" + campaign).jsonPath();
        double noise = view.getDouble("noiseFloor");
        assertTrue(noise > 0.005, "seed-to-seed spread of the digits baseline: " + noise);
        assertEquals(Math.max(0.002, 2 * noise), view.getDouble("keepThreshold"), 1e-12);
        assertEquals(0, view.getInt("noise.from[0].trial"), "the estimate comes from the baseline's repeats");
        assertEquals(5, view.getInt("noise.from[0].seedSets"));
        JsonPath baseline = Api.awaitNumber(campaign, 0);
        assertTrue(baseline.getString("notes").contains("noise floor"), baseline.getString("notes"));

        JsonPath trial = Api.run(campaign, "one more epoch", SMALL_GAIN);
        assertTrue(trial.getDouble("deltaVsBest") > 0, "it did score higher: " + trial.prettify());
        assertTrue(trial.getDouble("deltaVsBest") < 2 * noise);
        assertEquals("DISCARD", trial.getString("label"));
        assertTrue(trial.getString("notes").contains("within the noise threshold"), trial.getString("notes"));
        assertNull(trial.get("confirmation"));
    }

    @Test
    void withoutConfirmationTheSameGainIsKeptWhenNoNoiseWasMeasured() {
        long campaign = Api.measuredCampaign("digits", Map.of("baselineRepeats", 1, "confirmSeedSets", 0));
        assertNull(get("/api/campaigns/" + campaign).jsonPath().get("noiseFloor"));
        JsonPath trial = Api.run(campaign, "one more epoch", SMALL_GAIN);
        assertEquals("KEEP", trial.getString("label"), trial.prettify());
        assertNull(trial.get("confirmation"));
    }

    @Test
    void anUnchangedRecipeScoresExactlyLikeTheBaseline() {
        long campaign = Api.measuredCampaign("digits", Map.of("baselineRepeats", 3));
        JsonPath trial = Api.run(campaign, "a comment only", Diffs.digits("VALIDATION_FRACTION = 0.1",
                "VALIDATION_FRACTION = 0.1  # unchanged"));
        assertEquals(0.0, trial.getDouble("deltaVsBest"), 1e-12, "the incumbent is scored on the trials' seeds");
        assertEquals("DISCARD", trial.getString("label"));
        assertNull(trial.get("confirmation"), "nothing to confirm: no gain at all");
    }
}
