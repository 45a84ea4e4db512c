package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Gate;
import dev.empiric.trial.Label;
import dev.empiric.trial.Measurement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The legality rules on a scored measurement: metric present, artifact under its cap, gates held. */
@Tag("unit")
class LegalityTest {

    private static final EnvironmentSpec DIGITS = digits();
    private static final Budgets BUDGETS = Budgets.of(DIGITS, CampaignSettings.none());

    private static EnvironmentSpec digits() {
        try {
            return EnvironmentCatalog.load(Path.of("environments/digits")).spec();
        } catch (EnvironmentCatalog.InvalidEnvironment e) {
            throw new IllegalStateException(e);
        }
    }

    private static Measurement scored(double accuracy, long artifactBytes) {
        return new Measurement(new Measurement.Scored(), accuracy, null, Map.of("accuracy", accuracy), 1.0, 1.0,
                artifactBytes, List.of(), null);
    }

    @Test
    void aLegalResultStaysScoredWithItsGateMargin() {
        Measurement checked = Legality.check(DIGITS, BUDGETS, scored(0.9, 1000));
        assertTrue(checked.scored());
        assertEquals(0.4, checked.metrics().get("accuracy_margin"), 1e-12);
    }

    @Test
    void aMissedGateFailsAndKeepsWhatWasMeasured() {
        Measurement checked = Legality.check(DIGITS, BUDGETS, scored(0.3, 1000));
        assertEquals(new Measurement.Failed(Label.GATE_FAILED), checked.verdict());
        assertEquals(0.3, checked.score());
        assertTrue(checked.notes().getLast().contains("misses the gate >= 0.500000 by 0.200000"), checked.notes().toString());
    }

    @Test
    void anArtifactOverItsCapIsSizeBlocked() {
        Measurement checked = Legality.check(DIGITS, BUDGETS, scored(0.9, BUDGETS.artifactMaxBytes() + 1));
        assertEquals(new Measurement.Failed(Label.SIZE_BLOCKED), checked.verdict());
    }

    @Test
    void noReportedMetricIsNoScore() {
        Measurement missing = new Measurement(new Measurement.Scored(), null, null, Map.of(), 1.0, 1.0, 10L, List.of(),
                null);
        assertEquals(new Measurement.Failed(Label.NO_SCORE), Legality.check(DIGITS, BUDGETS, missing).verdict());
    }

    @Test
    void aGateWithBothBoundsMeasuresTheNearerOne() {
        Gate band = new Gate("accuracy", 0.5, 0.99, 0.01);
        assertEquals(0.09, Legality.margin(band, 0.9), 1e-12);
        assertEquals(-0.005, Legality.margin(band, 0.995), 1e-12);
        assertEquals(-0.1, Legality.margin(band, 0.4), 1e-12);
    }

    @Test
    void aResultWithinTheGatesBandIsNotedAsBorderline() {
        EnvironmentSpec spec = new EnvironmentSpec(DIGITS.name(), null, null, DIGITS.metric(), DIGITS.editable(),
                DIGITS.recipe(), null, DIGITS.scoring(), DIGITS.artifact(), List.of(new Gate("accuracy", 0.5, null, 0.05)),
                DIGITS.seeds(), DIGITS.keep(), DIGITS.surfaces());
        Measurement checked = Legality.check(spec, BUDGETS, scored(0.52, 10));
        assertTrue(checked.scored());
        assertTrue(checked.notes().getLast().startsWith("borderline: accuracy"), checked.notes().toString());
    }
}
