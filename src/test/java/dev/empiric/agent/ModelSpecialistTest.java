package dev.empiric.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.CampaignSettings;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.eclipse.jgit.patch.Patch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The knob model as a specialist on the real digits spec and recipe: real diffs on the best, no repeats. */
@Tag("unit")
class ModelSpecialistTest {

    private final ModelSpecialist model = new ModelSpecialist(SyntheticHistory.SPEC.knobs());

    @Test
    void isInTheDefaultRosterNextToTheKnobSpecialistsAndTheCombiner() {
        assertEquals(List.of("opt", "arch", "sched", "reg", "combiner", "model"),
                new SpecialistRoster().all(SyntheticHistory.SPEC, CampaignSettings.none()).stream()
                        .map(Specialist::name).toList());
    }

    @Test
    void proposesAGitDiffOfTheBestThatNamesEveryChangedKnob() {
        SyntheticHistory lineage = new SyntheticHistory(0.68)
                .trial(0, Map.of("LEARNING_RATE", "0.1", "MOMENTUM", "0.9"), Label.KEEP, 0.95)
                .trial(1, Map.of("EPOCHS", "40"), Label.DISCARD, 0.96)
                .trial(1, Map.of("HIDDEN_UNITS", "256"), Label.DISCARD, 0.94)
                .trial(1, Map.of("LEARNING_RATE", "1.0"), Label.GATE_FAILED, null)
                .trial(1, Map.of("BATCH_SIZE", "16"), Label.DISCARD, 0.955);
        Proposal proposal = model.propose(lineage.context(5)).orElseThrow();
        assertEquals(ModelSpecialist.NAME, proposal.specialist());
        assertEquals(1, proposal.parent());
        Patch patch = GitTrialStore.parse(proposal.diff());
        assertTrue(patch.getErrors().isEmpty(), proposal.diff());
        assertTrue(proposal.diff().startsWith("diff --git a/train.py b/train.py\n"), proposal.diff());
        Map<String, String> edits = SyntheticHistory.edits(proposal);
        assertFalse(edits.isEmpty(), proposal.diff());
        edits.forEach((knob, literal) -> assertTrue(proposal.hypothesis().contains(knob + " ")
                && proposal.hypothesis().contains("→ " + literal), proposal.hypothesis()));
        assertTrue(proposal.hypothesis().contains("Gaussian process over 5 scored recipes and 1 failures"),
                proposal.hypothesis());
    }

    @Test
    void neverProposesATreeThatWasMeasuredOrQueued() {
        SyntheticHistory lineage = new SyntheticHistory(0.68);
        Set<String> diffs = new HashSet<>();
        // The same seed every time: only the recorded history can make the next proposal differ.
        for (int i = 0; i < 12; i++) {
            Optional<Proposal> proposal = model.propose(lineage.context(3));
            assertTrue(proposal.isPresent(), "the digits knobs have millions of recipes");
            assertTrue(diffs.add(proposal.get().diff()), "repeated: " + proposal.get().diff());
            if (i % 2 == 0) {
                lineage.queued(proposal.get());
            } else {
                lineage.trial(0, SyntheticHistory.edits(proposal.get()), Label.DISCARD, 0.5 + 0.01 * i);
            }
        }
    }

    @Test
    void withoutTheLineageItStillProposesSomethingNew() {
        SyntheticHistory lineage = new SyntheticHistory(0.68)
                .trial(0, Map.of("LEARNING_RATE", "0.1"), Label.KEEP, 0.9)
                .trial(1, Map.of("EPOCHS", "40"), Label.DISCARD, 0.92)
                .trial(1, Map.of("MOMENTUM", "0.9"), Label.DISCARD, 0.91)
                .trial(1, Map.of("HIDDEN_UNITS", "128"), Label.DISCARD, 0.93);
        CampaignHistory blind = lineage.history().withoutOutcomes();
        Proposal proposal = model.propose(new ProposalContext(SyntheticHistory.SPEC, blind,
                lineage.context(0).bestTree(), new Random(2), () -> "", () -> "", TokenBudget.UNLIMITED)).orElseThrow();
        Map<Knob, String> literals = new LinkedHashMap<>();
        SyntheticHistory.edits(proposal).forEach((name, literal) -> literals.put(SyntheticHistory.knob(name), literal));
        assertFalse(blind.measuredTrees().contains(lineage.context(0).bestTree().withKnobs(literals).hash()));
        assertTrue(proposal.hypothesis().contains("farthest"), proposal.hypothesis());
    }
}
