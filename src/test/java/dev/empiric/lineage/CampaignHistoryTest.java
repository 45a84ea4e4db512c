package dev.empiric.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The specialists' read model: the chain to the best, and what the lineage-off ablation hides. */
@Tag("unit")
class CampaignHistoryTest {

    private static TrialRecord trial(int number, Integer parent, Label label, Double score, String tree) {
        return new TrialRecord(number, parent, "opt", label == null ? TrialState.QUEUED : TrialState.FINISHED, label,
                score, tree, Map.of("LEARNING_RATE", "0." + number));
    }

    private static final List<TrialRecord> TRIALS = List.of(
            trial(0, null, Label.BASELINE, 0.90, "t0"),
            trial(1, 0, Label.KEEP, 0.95, "t1"),
            trial(2, 1, Label.RECIPE_TIMEOUT, null, "t2"),
            trial(3, 1, Label.DISCARD, 0.94, "t3"),
            trial(4, 3, Label.KEEP, 0.97, "t4"),
            trial(5, 4, null, null, "t5"));

    @Test
    void theChainFollowsParentsThroughDiscardedTrials() {
        CampaignHistory history = new CampaignHistory(1, "accuracy", Goal.MAXIMIZE, 4, TRIALS, 0.01);
        assertEquals(List.of(0, 1, 3, 4), history.bestChain());
        assertEquals(0.97, history.best().score());
        assertEquals(0.03, history.improvementOverParent(history.trial(4).orElseThrow()).orElseThrow(), 1e-12);
    }

    @Test
    void aCycleOrAMissingParentEndsTheWalk() {
        assertEquals(List.of(7, 9), Ancestry.path(9, number -> number == 9 ? 7 : number == 7 ? 9 : null));
        assertEquals(List.of(3), Ancestry.path(3, number -> null));
        assertEquals(List.of(), Ancestry.path(null, number -> 1));
    }

    @Test
    void withoutLineageTheOutcomesAreHiddenButTriedTreesStayKnown() {
        CampaignHistory full = new CampaignHistory(1, "accuracy", Goal.MAXIMIZE, 4, TRIALS, 0.01);
        CampaignHistory blind = full.withoutOutcomes();
        assertEquals(full.measuredTrees(), blind.measuredTrees(), "nothing may be measured twice either way");
        assertEquals(0.97, blind.best().score());
        for (TrialRecord trial : blind.trials()) {
            if (trial.number() != blind.bestNumber()) {
                assertNull(trial.label());
                assertNull(trial.score());
                assertFalse(trial.isScored());
            }
        }
    }
}
