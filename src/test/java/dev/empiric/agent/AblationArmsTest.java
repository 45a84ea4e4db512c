package dev.empiric.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.Label;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two yardsticks of the ablation benchmark: random search, and specialists without lineage. */
class AblationArmsTest {

    private final RandomSearch random = new RandomSearch(
            SyntheticHistory.SPEC.surfaces().values().stream().flatMap(java.util.List::stream).toList());

    @Test
    void randomSearchDrawsEveryKnobWithinItsRange() {
        SyntheticHistory lineage = new SyntheticHistory(0.9);
        Set<String> diffs = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            Proposal proposal = random.propose(lineage.context(seed)).orElseThrow();
            assertEquals(RandomSearch.NAME, proposal.specialist());
            diffs.add(proposal.diff());
            for (Map.Entry<String, String> edit : SyntheticHistory.edits(proposal).entrySet()) {
                Knob knob = SyntheticHistory.knob(edit.getKey());
                if ("choice".equals(knob.type())) {
                    assertTrue(knob.choices().stream().anyMatch(c -> edit.getValue().contains(c.toString())), edit.toString());
                } else {
                    double value = Double.parseDouble(edit.getValue());
                    assertTrue(value >= knob.min() && value <= knob.max(), edit + " outside " + knob);
                }
            }
        }
        assertTrue(diffs.size() >= 29, "independent draws rarely repeat: " + diffs.size());
    }

    @Test
    void withoutLineageTheOutcomesAreHiddenButTriedTreesStayKnown() {
        SyntheticHistory lineage = new SyntheticHistory(0.9)
                .trial(0, Map.of("LEARNING_RATE", "0.1"), Label.KEEP, 0.95)
                .trial(1, Map.of("EPOCHS", "200"), Label.RECIPE_TIMEOUT, null)
                .trial(1, Map.of("EPOCHS", "12"), Label.DISCARD, 0.94);
        CampaignHistory full = lineage.history();
        CampaignHistory blind = full.withoutOutcomes();
        assertEquals(full.measuredTrees(), blind.measuredTrees(), "nothing may be measured twice either way");
        assertEquals(0.95, blind.best().score());
        for (TrialRecord trial : blind.trials()) {
            if (trial.number() != blind.bestNumber()) {
                assertNull(trial.label());
                assertNull(trial.score());
                assertFalse(trial.isScored());
            }
        }
    }
}
