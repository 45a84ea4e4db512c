package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Goal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** KEEP needs an improvement strictly beyond the threshold, in the metric's own direction. */
@Tag("unit")
class KeepRuleTest {

    @Test
    void aGainBeyondTheThresholdIsKept() {
        KeepRule.Judgement kept = KeepRule.judge(Goal.MAXIMIZE, 0.95, 0.90, 0.04);
        assertEquals(Label.KEEP, kept.label());
        assertEquals(0.05, kept.delta(), 1e-12);
        assertTrue(kept.note().contains("threshold 0.0400000"), kept.note());
    }

    @Test
    void aGainWithinTheThresholdIsDiscardedAndSaysSo() {
        KeepRule.Judgement within = KeepRule.judge(Goal.MAXIMIZE, 0.93, 0.90, 0.04);
        assertEquals(Label.DISCARD, within.label());
        assertTrue(within.note().contains("within the noise threshold"), within.note());
        assertEquals(Label.DISCARD, KeepRule.judge(Goal.MAXIMIZE, 0.94, 0.90, 0.04).label(), "equal to the threshold is not beyond it");
    }

    @Test
    void anUnchangedOrWorseScoreIsNeverKeptEvenWithAZeroThreshold() {
        assertEquals(Label.DISCARD, KeepRule.judge(Goal.MAXIMIZE, 0.90, 0.90, 0.0).label());
        assertTrue(KeepRule.judge(Goal.MAXIMIZE, 0.90, 0.90, 0.0).note().contains("equal"));
        assertTrue(KeepRule.judge(Goal.MAXIMIZE, 0.80, 0.90, 0.0).note().contains("worse by 0.100000"));
    }

    @Test
    void forAMetricToMinimiseLowerIsBetter() {
        assertEquals(Label.KEEP, KeepRule.judge(Goal.MINIMIZE, 3.0, 3.2, 0.1).label());
        assertEquals(Label.DISCARD, KeepRule.judge(Goal.MINIMIZE, 3.3, 3.2, 0.1).label());
    }
}
