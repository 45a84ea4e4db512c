package dev.empiric.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The limits a campaign's trials run under, resolved in one place, and the event chain's hash. */
@Tag("unit")
class BudgetsTest {

    private static EnvironmentSpec digits() throws EnvironmentCatalog.InvalidEnvironment {
        return EnvironmentCatalog.load(Path.of("environments/digits")).spec();
    }

    @Test
    void overridesWinAndThePreflightGetsTheRecipesMemory() throws Exception {
        EnvironmentSpec spec = digits();
        Budgets defaults = Budgets.of(spec, CampaignSettings.none());
        assertEquals(spec.recipe().seconds(), defaults.recipe().seconds());
        assertEquals(spec.recipe().memoryMb(), defaults.preflight().memoryMb());
        Budgets overridden = Budgets.of(spec, new CampaignSettings(7, 9, 256, 5, null, null, null, null, 0));
        assertEquals(7, overridden.recipe().seconds());
        assertEquals(9, overridden.scoring().seconds());
        assertEquals(256, overridden.recipe().memoryMb());
        assertEquals(256, overridden.preflight().memoryMb(), "the preflight runs the recipe's image under its limits");
        assertEquals(spec.preflight().seconds(), overridden.preflight().seconds());
        assertEquals(5, overridden.baselineRepeats());
        assertEquals(3, defaults.confirmSeedSets(), "digits confirms gains on up to 3 fresh seed sets");
        assertTrue(defaults.confirms());
        assertEquals(0, overridden.confirmSeedSets(), "a campaign can switch confirmation off");
        assertFalse(overridden.confirms());
        assertEquals(0.05, defaults.alpha());
    }

    @Test
    void theNoiseIsPooledUpToTheBaselinesDegreesOfFreedom() throws Exception {
        assertEquals(2, Budgets.of(digits(), CampaignSettings.none()).noiseDegreesOfFreedom(), "3 repeats");
        assertEquals(1, Budgets.of(digits(), new CampaignSettings(null, null, null, 1, null, null, null, null, null))
                .noiseDegreesOfFreedom(), "never below 1");
    }

    @Test
    void theKeepThresholdIsTheLargerOfMinDeltaAndZNoise() throws Exception {
        Budgets budgets = Budgets.of(digits(), CampaignSettings.none());
        assertEquals(budgets.minDelta(), budgets.keepThreshold(null));
        assertEquals(budgets.z() * 0.02, budgets.keepThreshold(0.02), 1e-12);
    }

    @Test
    void anEventsHashCoversEveryFieldAndItsPredecessor() {
        Instant at = Instant.parse("2026-11-22T06:00:00Z");
        String hash = EventLog.hash(EventLog.GENESIS, 1, "trial.submitted", 3, "api", at, "{\"a\":1}");
        assertEquals(64, hash.length());
        assertEquals("2026-11-22T06:00:00.000Z", EventLog.formatAt(at));
        assertEquals(hash, EventLog.hash(EventLog.GENESIS, 1, "trial.submitted", 3, "api", at, "{\"a\":1}"));
        assertNotEquals(hash, EventLog.hash(EventLog.GENESIS, 2, "trial.submitted", 3, "api", at, "{\"a\":1}"));
        assertNotEquals(hash, EventLog.hash(EventLog.GENESIS, 1, "trial.submitted", null, "api", at, "{\"a\":1}"));
        assertNotEquals(hash, EventLog.hash(EventLog.GENESIS, 1, "trial.submitted", 3, "api", at, "{\"a\":2}"));
        assertNotEquals(hash, EventLog.hash(hash, 1, "trial.submitted", 3, "api", at, "{\"a\":1}"));
    }
}
