package dev.empiric.agent;

import static dev.empiric.support.Api.awaitRunner;
import static io.restassured.RestAssured.given;
import static dev.empiric.support.Api.measuredCampaign;
import static dev.empiric.support.Api.startRunner;
import static dev.empiric.support.Api.trials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Command specialists on digits with real Docker and git: a script's edit becomes a trial; a hung command is killed. */
@QuarkusTest
class CommandSpecialistTest {

    @Test
    void aScriptsEditOfTheCheckoutBecomesATrial() {
        String script = "test -f LINEAGE.md && grep -q 'The effective step is' TASK.md" // the pinned knowledge
                + " && sed -i 's/^BATCH_SIZE = .*/BATCH_SIZE = 32/' train.py"
                + " && echo 'Halve the batch size: more updates per epoch' > HYPOTHESIS.txt"
                + " && echo scratch > notes.txt";
        long campaign = measuredCampaign("digits", Map.of("commands", List.of(
                Map.of("name", "sed", "command", List.of("sh", "-c", script), "seconds", 30))));
        startRunner(campaign, Map.of("maxTrials", 1, "specialists", List.of("sed")));
        JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertEquals("MAX_TRIALS", done.getString("endReason"), done.prettify());
        Map<String, Object> trial = trials(campaign).get(1);
        assertEquals("sed", trial.get("specialist"));
        assertEquals("Halve the batch size: more updates per epoch", trial.get("hypothesis"));
        String diff = given().get("/api/trials/{id}/diff", trial.get("id")).then().statusCode(200).extract().asString();
        assertTrue(diff.contains("-BATCH_SIZE = 64\n+BATCH_SIZE = 32"), diff);
        assertTrue(!diff.contains("notes.txt") && !diff.contains("HYPOTHESIS"), "non-recipe files leaked: " + diff);
        assertEquals("FINISHED", trial.get("state"));
        assertNotNull(trial.get("label"));
    }

    @Test
    void aCommandPastItsLimitIsKilledAndProposesNothing() {
        long campaign = measuredCampaign("digits", Map.of("commands", List.of(
                Map.of("name", "sleeper", "command", List.of("sh", "-c", "sleep 120; sed -i 's/^EPOCHS = .*/EPOCHS = 5/' train.py"),
                        "seconds", 2))));
        Instant started = Instant.now();
        startRunner(campaign, Map.of("maxTrials", 2, "specialists", List.of("sleeper")));
        JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertTrue(Duration.between(started, Instant.now()).toSeconds() < 60, "the command was not killed at its limit");
        assertEquals("NOTHING_NEW", done.getString("endReason"), done.prettify());
        assertEquals(0, done.getInt("trials"));
        assertEquals(1, done.getInt("failedProposals"));
        assertTrue(done.getString("yields[0].lastFailure").contains("limit of 2 s and was killed"), done.prettify());
        assertEquals(1, trials(campaign).size(), "only the baseline");
    }
}
