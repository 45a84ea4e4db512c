package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.KeepRule.Outcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On the environment's seeds: at most min_delta is DISCARD; more is confirmed (briefly beyond the
 * threshold, fully within it); without confirmation the threshold alone decides, in the metric's
 * own direction.
 */
@Tag("unit")
class KeepRuleTest {

    private static final double MIN_DELTA = 0.002;

    @Test
    void aGainBeyondTheThresholdIsReplicatedOrKeptWithoutConfirmation() {
        KeepRule.Judgement beyond = KeepRule.judge(Goal.MAXIMIZE, 0.95, 0.90, 0.04, MIN_DELTA, true);
        assertEquals(Outcome.CONFIRM_BEYOND_NOISE, beyond.outcome());
        assertEquals(Confirmation.Tier.BEYOND_NOISE, beyond.outcome().tier());
        assertEquals(0.05, beyond.delta(), 1e-12);
        assertTrue(beyond.note().contains("threshold 0.0400000"), beyond.note());
        assertEquals(Label.KEEP, KeepRule.judge(Goal.MAXIMIZE, 0.95, 0.90, 0.04, MIN_DELTA, false).outcome().label());
    }

    @Test
    void aGainWithinTheThresholdIsConfirmedOrDiscardedWithoutConfirmation() {
        KeepRule.Judgement within = KeepRule.judge(Goal.MAXIMIZE, 0.93, 0.90, 0.04, MIN_DELTA, true);
        assertEquals(Outcome.CONFIRM_WITHIN_NOISE, within.outcome());
        assertTrue(within.note().contains("within the noise threshold"), within.note());
        KeepRule.Judgement unconfirmed = KeepRule.judge(Goal.MAXIMIZE, 0.93, 0.90, 0.04, MIN_DELTA, false);
        assertEquals(Label.DISCARD, unconfirmed.outcome().label());
        assertTrue(unconfirmed.note().contains("within the noise threshold"), unconfirmed.note());
        assertEquals(Outcome.CONFIRM_WITHIN_NOISE, KeepRule.judge(Goal.MAXIMIZE, 0.94, 0.90, 0.04, MIN_DELTA, true)
                .outcome(), "equal to the threshold is not beyond it");
    }

    @Test
    void anUnchangedWorseOrTinyGainIsDiscardedWithoutConfirmationEvenWithAZeroThreshold() {
        assertEquals(Outcome.DISCARD, KeepRule.judge(Goal.MAXIMIZE, 0.90, 0.90, 0.0, 0.0, true).outcome());
        assertTrue(KeepRule.judge(Goal.MAXIMIZE, 0.90, 0.90, 0.0, 0.0, true).note().contains("equal"));
        assertTrue(KeepRule.judge(Goal.MAXIMIZE, 0.80, 0.90, 0.0, 0.0, true).note().contains("worse by 0.100000"));
        KeepRule.Judgement tiny = KeepRule.judge(Goal.MAXIMIZE, 0.9015, 0.90, 0.04, MIN_DELTA, true);
        assertEquals(Outcome.DISCARD, tiny.outcome());
        assertTrue(tiny.note().contains("not more than min_delta 0.00200000"), tiny.note());
    }

    @Test
    void forAMetricToMinimiseLowerIsBetter() {
        assertEquals(Outcome.CONFIRM_BEYOND_NOISE, KeepRule.judge(Goal.MINIMIZE, 3.0, 3.2, 0.1, 0.01, true).outcome());
        assertEquals(Outcome.CONFIRM_WITHIN_NOISE, KeepRule.judge(Goal.MINIMIZE, 3.15, 3.2, 0.1, 0.01, true).outcome());
        assertEquals(Outcome.DISCARD, KeepRule.judge(Goal.MINIMIZE, 3.3, 3.2, 0.1, 0.01, true).outcome());
    }
}
