package dev.empiric.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.Patch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A surface's specialist end to end on synthetic lineages: real diffs, its own surface only, no repeats. */
@Tag("unit")
class KnobSpecialistTest {

    @Test
    void proposesAOneLineGitDiffOfItsOwnSurfaceWithAHypothesis() {
        SyntheticHistory lineage = new SyntheticHistory(0.90);
        for (String surface : SyntheticHistory.SPEC.surfaces().keySet()) {
            KnobSpecialist specialist = new KnobSpecialist(surface, SyntheticHistory.surface(surface));
            for (long seed = 0; seed < 20; seed++) {
                Proposal proposal = specialist.propose(lineage.context(seed)).orElseThrow();
                assertEquals(surface, proposal.specialist());
                assertEquals(0, proposal.parent());
                Patch patch = GitTrialStore.parse(proposal.diff());
                assertTrue(patch.getErrors().isEmpty(), proposal.diff());
                FileHeader file = patch.getFiles().getFirst();
                assertEquals("train.py", file.getNewPath());
                assertTrue(proposal.diff().startsWith("diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@"),
                        proposal.diff());
                Map<String, String> edits = SyntheticHistory.edits(proposal);
                assertTrue(edits.size() == 1 || edits.size() == 2, proposal.diff());
                Set<String> own = new HashSet<>();
                SyntheticHistory.surface(surface).forEach(knob -> own.add(knob.name()));
                assertTrue(own.containsAll(edits.keySet()), surface + " edited " + edits.keySet());
                edits.keySet().forEach(name -> assertTrue(proposal.hypothesis().startsWith(name)
                        || proposal.hypothesis().contains(", " + name), proposal.hypothesis()));
                assertTrue(proposal.hypothesis().contains("→") && proposal.hypothesis().contains(": "));
            }
        }
    }

    @Test
    void theSameStateGivesTheSameProposal() {
        SyntheticHistory lineage = new SyntheticHistory(0.90).trial(0, Map.of("EPOCHS", "20"), Label.KEEP, 0.95);
        KnobSpecialist sched = new KnobSpecialist("sched", SyntheticHistory.surface("sched"));
        assertEquals(sched.propose(lineage.context(7)), sched.propose(lineage.context(7)));
    }

    @Test
    void neverProposesATreeThatWasAlreadyMeasuredOrQueued() {
        SyntheticHistory lineage = new SyntheticHistory(0.90);
        KnobSpecialist arch = new KnobSpecialist("arch", SyntheticHistory.surface("arch"));
        Set<String> diffs = new HashSet<>();
        // The same seed every time: only the recorded history can make the next proposal differ.
        for (int i = 0; i < 15; i++) {
            Optional<Proposal> proposal = arch.propose(lineage.context(3));
            if (proposal.isEmpty()) {
                break;
            }
            assertTrue(diffs.add(proposal.get().diff()), "repeated: " + proposal.get().diff());
            lineage.queued(proposal.get());
        }
        assertTrue(diffs.size() >= 10, "the arch surface has hundreds of values; got only " + diffs.size());
    }

    @Test
    void anExhaustedSurfaceProposesNothing() {
        // ACTIVATION has two values: once the other one is measured, a choice-only surface has nothing new.
        SyntheticHistory lineage = new SyntheticHistory(0.90).trial(0, Map.of("ACTIVATION", "\"relu\""),
                Label.DISCARD, 0.80);
        KnobSpecialist activation = new KnobSpecialist("activation",
                SyntheticHistory.surface("arch").stream().filter(k -> k.name().equals("ACTIVATION")).toList());
        assertEquals(Optional.empty(), activation.propose(lineage.context(1)));
    }

    @Test
    void theCombinerReappliesAPromisingEditFromAnotherBranchOntoTheBest() {
        SyntheticHistory lineage = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.03"), Label.DISCARD, 0.901)
                .trial(0, Map.of("HIDDEN_UNITS", "64"), Label.KEEP, 0.95);
        Combiner combiner = new Combiner(SyntheticHistory.SPEC.knobs());
        Proposal proposal = combiner.propose(lineage.context(1)).orElseThrow();
        assertEquals(2, proposal.parent());
        assertEquals(Map.of("LEARNING_RATE", "0.03"), SyntheticHistory.edits(proposal));
        assertTrue(proposal.hypothesis().contains("trial 1"), proposal.hypothesis());
        lineage.queued(proposal);
        assertEquals(Optional.empty(), combiner.propose(lineage.context(1)), "the combination was proposed twice");
    }

    @Test
    void theCombinerLeavesEditsThatLostAlone() {
        SyntheticHistory lineage = new SyntheticHistory(0.90)
                .trial(0, Map.of("LEARNING_RATE", "0.03"), Label.DISCARD, 0.85)
                .trial(0, Map.of("HIDDEN_UNITS", "64"), Label.KEEP, 0.95);
        assertEquals(Optional.empty(), new Combiner(SyntheticHistory.SPEC.knobs())
                .propose(lineage.context(1)));
    }

    @Test
    void theBanditPrefersTheSpecialistThatKeeps() {
        int first = 0;
        for (long seed = 0; seed < 200; seed++) {
            var order = SpecialistBandit.order(Map.of("opt", new SpecialistBandit.Yield(10, 5),
                    "reg", new SpecialistBandit.Yield(20, 0)), new Random(seed));
            first += order.getFirst().getKey().equals("opt") ? 1 : 0;
            order.forEach(entry -> assertTrue(entry.getValue() >= 0 && entry.getValue() <= 1));
        }
        assertTrue(first > 180, "opt came first only " + first + " times in 200");
        int unlucky = 0;
        for (long seed = 0; seed < 200; seed++) {
            var order = SpecialistBandit.order(Map.of("opt", new SpecialistBandit.Yield(5, 1),
                    "reg", new SpecialistBandit.Yield(5, 0)), new Random(seed));
            unlucky += order.getFirst().getKey().equals("reg") ? 1 : 0;
        }
        assertTrue(unlucky > 20, "a specialist with no keeps yet must still be asked first now and then: " + unlucky);
    }
}
