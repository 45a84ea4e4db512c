package dev.empiric.agent;

import dev.empiric.environment.KnobLiterals;
import dev.empiric.lineage.CampaignHistory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.Label;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The per-knob model on the real digits spec with hand-written lineages. */
@Tag("unit")
class KnobSearchTest {

    private static final int SEEDS = 200;

    @Test
    void continuesInTheDirectionThatImproved() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.0178"), Label.KEEP, 0.93)
                .trial(1, Map.of("LEARNING_RATE", "0.0316"), Label.KEEP, 0.95)
                .history();
        assertMostFirstCandidates(history, "LEARNING_RATE", value -> value > 0.0316);
    }

    @Test
    void withNoNeighbourTheRecencyWeightedTrendDecides() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.0178", "MOMENTUM", "0.5"), Label.KEEP, 0.93)
                .trial(1, Map.of("LEARNING_RATE", "0.0316", "MOMENTUM", "0.6"), Label.KEEP, 0.95)
                .history();
        assertMostFirstCandidates(history, "LEARNING_RATE", value -> value > 0.0316);
        String reason = first(history, "LEARNING_RATE", 1).reason();
        assertTrue(reason.contains("paid off going up") || reason.contains("random exploration"), reason);
    }

    @Test
    void turnsAwayFromADirectionThatMadeThingsWorse() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.0178"), Label.DISCARD, 0.85)
                .history();
        assertMostFirstCandidates(history, "LEARNING_RATE", value -> value < 0.01);
    }

    @Test
    void bisectsTowardsTheBetterNeighbourWhenBothSidesWereMeasured() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("BATCH_SIZE", "128"), Label.DISCARD, 0.80)
                .trial(0, Map.of("BATCH_SIZE", "32"), Label.DISCARD, 0.89)
                .history();
        assertMostFirstCandidates(history, "BATCH_SIZE", value -> value > 32 && value < 64);
    }

    @Test
    void aBudgetFailureBoundsTheKnobAndSteersBackToCheaperValues() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("EPOCHS", "40"), Label.KEEP, 0.95)
                .trial(1, Map.of("EPOCHS", "160"), Label.RECIPE_TIMEOUT, null)
                .history();
        assertMostFirstCandidates(history, "EPOCHS", value -> value < 40);
        assertTrue(first(history, "EPOCHS", 1).reason().contains("RECIPE_TIMEOUT"));
        for (int seed = 0; seed < SEEDS; seed++) {
            for (Candidate candidate : KnobSearch.candidates(SyntheticHistory.knob("EPOCHS"), history, new Random(seed))) {
                assertTrue(Double.parseDouble(candidate.literal()) < 160, "over the failed bound: " + candidate);
            }
        }
    }

    @Test
    void anOutOfMemoryBelowTheBestBoundsFromBelow() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("BATCH_SIZE", "16"), Label.OOM, null)
                .history();
        for (int seed = 0; seed < SEEDS; seed++) {
            for (Candidate candidate : KnobSearch.candidates(SyntheticHistory.knob("BATCH_SIZE"), history,
                    new Random(seed))) {
                assertTrue(Integer.parseInt(candidate.literal()) > 16, "at or under the failed bound: " + candidate);
            }
        }
    }

    @Test
    void aCrashedValueIsNeverProposedAgain() {
        CampaignHistory numeric = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.0178"), Label.CRASH, null)
                .history();
        CampaignHistory choice = new SyntheticHistory(0.90)
                .trial(0, Map.of("LR_SCHEDULE", "\"cosine\""), Label.CRASH, null)
                .history();
        for (int seed = 0; seed < SEEDS; seed++) {
            assertFalse(KnobSearch.candidates(SyntheticHistory.knob("LEARNING_RATE"), numeric, new Random(seed))
                    .stream().anyMatch(candidate -> candidate.literal().equals("0.0178")));
            List<Candidate> schedules = KnobSearch.candidates(SyntheticHistory.knob("LR_SCHEDULE"), choice,
                    new Random(seed));
            assertEquals(List.of("\"step\""), schedules.stream().map(Candidate::literal).toList());
        }
    }

    @Test
    void everyCandidateRespectsItsKnobsRangeAndType() {
        CampaignHistory history = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.5", "EPOCHS", "150"), Label.KEEP, 0.95)
                .trial(1, Map.of("WEIGHT_DECAY", "0.009"), Label.KEEP, 0.96)
                .trial(2, Map.of("HIDDEN_UNITS", "500", "BATCH_SIZE", "9"), Label.DISCARD, 0.94)
                .history();
        for (Knob knob : SyntheticHistory.SPEC.knobs()) {
            for (int seed = 0; seed < SEEDS; seed++) {
                List<Candidate> candidates = KnobSearch.candidates(knob, history, new Random(seed));
                assertFalse(candidates.isEmpty(), knob.name());
                for (Candidate candidate : candidates) {
                    if ("choice".equals(knob.type())) {
                        assertTrue(knob.choices().contains(KnobLiterals.unquote(candidate.literal())), candidate.literal());
                        continue;
                    }
                    double value = Double.parseDouble(candidate.literal());
                    assertTrue(value >= knob.min() && value <= knob.max(), knob.name() + " out of range: " + value);
                    assertEquals("int".equals(knob.type()), !candidate.literal().contains("."), candidate.literal());
                }
            }
        }
    }

    @Test
    void stepsShrinkAsAKnobAccumulatesTrials() {
        SyntheticHistory lineage = new SyntheticHistory(0.90);
        double fresh = medianFirstStep(lineage.history());
        for (int i = 0; i < 8; i++) {
            lineage.trial(0, Map.of("MOMENTUM", "0." + (i + 1)), Label.DISCARD, 0.5);
        }
        lineage.trial(0, Map.of("MOMENTUM", "0.05"), Label.KEEP, 0.95);
        assertTrue(medianFirstStep(lineage.history()) < fresh / 4, "steps did not shrink");
    }

    private static double medianFirstStep(CampaignHistory history) {
        double current = Double.parseDouble(history.best().knobs().get("MOMENTUM"));
        double[] steps = new double[SEEDS];
        for (int seed = 0; seed < SEEDS; seed++) {
            steps[seed] = Math.abs(Double.parseDouble(first(history, "MOMENTUM", seed).literal()) - current);
        }
        Arrays.sort(steps);
        return steps[SEEDS / 2];
    }

    /** At least 80% of seeds put a value satisfying {@code expected} first (10% explore at random). */
    private static void assertMostFirstCandidates(CampaignHistory history, String knob, DoublePredicate expected) {
        int hits = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            hits += expected.test(Double.parseDouble(first(history, knob, seed).literal())) ? 1 : 0;
        }
        assertTrue(hits >= SEEDS * 0.8, "only " + hits + " of " + SEEDS + " first candidates went the right way");
    }

    private static Candidate first(CampaignHistory history, String knob, long seed) {
        return KnobSearch.candidates(SyntheticHistory.knob(knob), history, new Random(seed)).getFirst();
    }
}
