package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.Json;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.Confirmation.Outcome;
import dev.empiric.trial.Confirmation.Tier;
import dev.empiric.trial.ConfirmationRound.Side;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * When a confirmation ends and how, round by round. The scores are digits' (a held-out split of 597
 * images, so accuracies move in steps of 1/597): the incumbent at 0.9296 on the environment's seed.
 */
@Tag("unit")
class ConfirmationRuleTest {

    private static final double INCUMBENT = 0.9296;
    private static final double THRESHOLD = 0.0457;

    private static Confirmation start(Tier tier, double candidate, int budget) {
        return Confirmation.start(1, 4, tier, Goal.MAXIMIZE, candidate, INCUMBENT, THRESHOLD, 0.002, budget, 0.05);
    }

    private static ConfirmationRound round(int number, double candidate, double incumbent) {
        return new ConfirmationRound(number, List.of(1_000_000 + number), Side.scored(candidate, List.of(candidate)),
                Side.scored(incumbent, List.of(incumbent)), 4.0);
    }

    private static Confirmation run(Confirmation confirmation, ConfirmationRound... rounds) {
        for (ConfirmationRound round : rounds) {
            confirmation = confirmation.record(round);
        }
        return confirmation;
    }

    @Test
    void aConsistentGainWithinTheNoiseIsConfirmedWhenTheBudgetIsSpent() {
        Confirmation confirmation = start(Tier.WITHIN_NOISE, 0.9698, 3);
        confirmation = run(confirmation, round(1, 0.9665, 0.9179), round(2, 0.9598, 0.9148));
        assertFalse(confirmation.decided(), "two pairs at df 1 are not overwhelming: p must be below 0.001 to stop early");
        assertEquals(3, confirmation.nextRound());
        confirmation = confirmation.record(round(3, 0.9682, 0.9313));
        assertEquals(Outcome.CONFIRMED, confirmation.outcome());
        assertEquals(3, confirmation.test().pairs());
        assertTrue(confirmation.test().pValue() < 0.05);
        assertEquals("confirmed", confirmation.verdict());
        assertTrue(confirmation.summary().startsWith("confirmed on 3 fresh seed sets: mean paired gain +0.04350"),
                confirmation.summary());
        assertTrue(confirmation.reason().startsWith("improves on the best (#4) by 0.04020 on the environment's seeds,"
                + " within the noise threshold 0.04570; confirmed"), confirmation.reason());
        assertEquals(List.of(new SeedSetScore(List.of(1_000_001), 0.9665), new SeedSetScore(List.of(1_000_002), 0.9598),
                new SeedSetScore(List.of(1_000_003), 0.9682)), confirmation.candidateSeedSets());
    }

    @Test
    void aLostFirstRoundEndsItAtOnce() {
        Confirmation confirmation = start(Tier.WITHIN_NOISE, 0.9598, 3).record(round(1, 0.9430, 0.9514));
        assertEquals(Outcome.NOT_CONFIRMED, confirmation.outcome());
        assertEquals("within noise", confirmation.verdict());
        assertTrue(confirmation.summary().contains("no better than the incumbent on fresh seeds, mean paired gain"
                + " -0.008400 over 1 fresh seed set (per set -0.008400)"), confirmation.summary());
    }

    @Test
    void aNoisyGainIsNotConfirmedAndTheTestSaysWhy() {
        Confirmation confirmation = run(start(Tier.WITHIN_NOISE, 0.9598, 3), round(1, 0.9581, 0.9531),
                round(2, 0.9447, 0.9464), round(3, 0.9564, 0.9514));
        assertEquals(Outcome.NOT_CONFIRMED, confirmation.outcome());
        assertTrue(confirmation.summary().startsWith("not confirmed on 3 fresh seed sets: mean paired gain +0.002767"),
                confirmation.summary());
        assertTrue(confirmation.summary().contains("one-sided paired t-test of a mean gain above min_delta 0.002000"),
                confirmation.summary());
        assertTrue(confirmation.summary().contains("≥ α 0.05000"), confirmation.summary());
    }

    @Test
    void aGainBeyondTheNoiseNeedsTheSameTestAsAnyOther() {
        // digits: 32 -> 64 hidden units on the best at 0.9447 scored +0.0151 on seed 0 (beyond a threshold
        // of 0.0106) and +0.0184 on one fresh set, and is no better on average over eleven seeds.
        Confirmation confirmation = Confirmation.start(1, 1, Tier.BEYOND_NOISE, Goal.MAXIMIZE, 0.9598, 0.9447, 0.0106,
                0.002, 3, 0.05).record(round(1, 0.9682, 0.9497));
        assertFalse(confirmation.decided(), "one fresh set has no spread to judge it by");
        confirmation = run(confirmation, round(2, 0.9430, 0.9514), round(3, 0.9481, 0.9531));
        assertEquals(Outcome.NOT_CONFIRMED, confirmation.outcome());
        assertTrue(confirmation.reason().contains("beyond the noise threshold 0.01060"), confirmation.reason());
    }

    @Test
    void aScoreThatDoesNotMoveWithTheSeedIsNeitherReplicatedNorConfirmed() {
        // A fixed lucky seed: the candidate ignores EMPIRIC_SEED and scores 0.9631 whatever the server says.
        Confirmation fixed = run(start(Tier.WITHIN_NOISE, 0.9631, 3), round(1, 0.9631, 0.9179),
                round(2, 0.9631, 0.9112), round(3, 0.9631, 0.9313));
        assertEquals(Outcome.NOT_CONFIRMED, fixed.outcome());
        assertTrue(fixed.test().pValue() < 0.05, "the paired test alone would have confirmed it");
        assertTrue(fixed.summary().contains("scored exactly 0.9631 on all 4 seed sets"), fixed.summary());
        assertTrue(fixed.summary().contains("a fixed seed"), fixed.summary());
    }

    @Test
    void aCandidateThatFailsOnFreshSeedsIsNotConfirmed() {
        Confirmation confirmation = start(Tier.WITHIN_NOISE, 0.9698, 3).record(round(1, 0.9665, 0.9179))
                .record(new ConfirmationRound(2, List.of(77), Side.failed(Label.CRASH, "seed 77: the recipe exited with 1"),
                        Side.scored(0.92, List.of(0.92)), 2.0));
        assertEquals(Outcome.CANDIDATE_FAILED, confirmation.outcome());
        assertEquals("failed on fresh seeds", confirmation.verdict());
        assertTrue(confirmation.summary().contains("on fresh seeds [77] the candidate ended CRASH (seed 77: the recipe"
                + " exited with 1)"), confirmation.summary());
    }

    @Test
    void aRoundTheIncumbentFailsIsUnpairedButSpendsTheBudget() {
        ConfirmationRound unpaired = new ConfirmationRound(2, List.of(78), Side.scored(0.96, List.of(0.96)),
                Side.failed(Label.RECIPE_TIMEOUT, "seed 78: killed"), 60.0);
        Confirmation confirmation = run(start(Tier.WITHIN_NOISE, 0.9698, 3), round(1, 0.9665, 0.9179), unpaired,
                round(3, 0.9682, 0.9313));
        assertEquals(Outcome.CONFIRMED, confirmation.outcome());
        assertEquals(2, confirmation.test().pairs());
        assertNull(unpaired.gain(Goal.MAXIMIZE));
    }

    @Test
    void anOverwhelmingGainStopsEarlyWithALargerBudget() {
        Confirmation confirmation = run(start(Tier.WITHIN_NOISE, 0.9698, 6), round(1, 0.9600, 0.9300),
                round(2, 0.9601, 0.9300));
        assertEquals(Outcome.CONFIRMED, confirmation.outcome(), "p " + confirmation.test().pValue() + " < 0.001");
        assertEquals(2, confirmation.rounds().size());
    }

    @Test
    void identicalGainsAreNoEvidenceOfSpreadUntilTheBudgetIsSpent() {
        Confirmation confirmation = run(start(Tier.WITHIN_NOISE, 0.9698, 3), round(1, 0.9600, 0.9300),
                round(2, 0.9600, 0.9300));
        assertFalse(confirmation.decided(), "two equal gains happen by chance in a metric with steps");
        assertEquals(Outcome.CONFIRMED, confirmation.record(round(3, 0.9600, 0.9300)).outcome());
    }

    @Test
    void forAMetricToMinimiseLowerIsTheGain() {
        Confirmation confirmation = Confirmation.start(1, 0, Tier.WITHIN_NOISE, Goal.MINIMIZE, 3.00, 3.05, 0.1, 0.01, 2,
                0.05);
        confirmation = run(confirmation, round(1, 3.10, 3.20), round(2, 3.00, 3.09));
        assertEquals(0.10, confirmation.rounds().getFirst().gain(Goal.MINIMIZE), 1e-12);
        assertEquals(Outcome.CONFIRMED, confirmation.outcome());
    }

    @Test
    void aSupersededConfirmationKeepsItsRoundsAndSaysWhy() {
        Confirmation superseded = start(Tier.WITHIN_NOISE, 0.9698, 3).record(round(1, 0.9665, 0.9179)).superseded(9);
        assertEquals(Outcome.SUPERSEDED, superseded.outcome());
        assertEquals(1, superseded.rounds().size());
        assertTrue(superseded.summary().contains("#9 became the best meanwhile"), superseded.summary());
    }

    @Test
    void aDecidedConfirmationTakesNoMoreRounds() {
        Confirmation decided = start(Tier.WITHIN_NOISE, 0.9598, 3).record(round(1, 0.9430, 0.9514));
        assertThrows(IllegalStateException.class, () -> decided.record(round(2, 0.95, 0.94)));
    }

    @Test
    void aConfirmationSurvivesItsJsonColumnWithAnInfiniteStatistic() {
        Confirmation confirmation = run(start(Tier.WITHIN_NOISE, 0.9698, 2), round(1, 0.9600, 0.9300),
                round(2, 0.9600, 0.9300));
        assertEquals(Double.POSITIVE_INFINITY, confirmation.test().t());
        assertEquals(confirmation, Confirmation.read(Json.write(confirmation)));
        assertEquals("confirmation round 1 against #4, seeds [1000001]: candidate 0.9600, incumbent 0.9300, gain"
                + " +0.03000", confirmation.roundNote(confirmation.rounds().getFirst()));
    }
}
