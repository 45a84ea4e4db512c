package dev.empiric.agent;

import dev.empiric.environment.KnobLiterals;
import dev.empiric.trial.RecipeTree;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A hand-written lineage on the real digits spec and recipe: each trial's knobs and tree are derived
 * from its parent's, as the store would record them, so specialists can be tested without a server.
 */
final class SyntheticHistory {

    static final EnvironmentSpec SPEC = spec();
    private static final Path RECIPE = Path.of("environments/digits/recipe/train.py");

    private final RecipeTree baselineTree;
    private final Map<Integer, RecipeTree> trees = new HashMap<>();
    private final List<TrialRecord> trials = new ArrayList<>();
    private int best;

    SyntheticHistory(double baselineScore) {
        try {
            baselineTree = new RecipeTree(Map.of("train.py", Files.readAllBytes(RECIPE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trees.put(0, baselineTree);
        trials.add(record(0, null, "baseline", TrialState.FINISHED, Label.BASELINE, baselineScore, baselineTree));
    }

    /** Adds a trial that changes {@code edits} (knob name to literal) on {@code parent}. */
    SyntheticHistory trial(int parent, Map<String, String> edits, Label label, Double score) {
        Map<Knob, String> literals = new LinkedHashMap<>();
        edits.forEach((name, literal) -> literals.put(knob(name), literal));
        RecipeTree tree = trees.get(parent).withKnobs(literals);
        int number = trials.size();
        trees.put(number, tree);
        TrialState state = label == null ? TrialState.QUEUED : TrialState.FINISHED;
        trials.add(record(number, parent, "test", state, label, score, tree));
        if (label == Label.KEEP) {
            best = number;
        }
        return this;
    }

    CampaignHistory history() {
        return new CampaignHistory(1, "accuracy", EnvironmentSpec.Goal.MAXIMIZE, best, trials, 0.01);
    }

    ProposalContext context(long seed) {
        return new ProposalContext(SPEC, history(), trees.get(best), new Random(seed),
                () -> "# Lineage view\n(synthetic)\n", () -> "",
                TokenBudget.UNLIMITED);
    }

    /** Records a proposal as a queued trial of its parent, as the runner's submission would. */
    SyntheticHistory queued(Proposal proposal) {
        return trial(proposal.parent(), edits(proposal), null, null);
    }

    /** The knob values a proposal's diff sets: its added lines {@code NAME = literal}. */
    static Map<String, String> edits(Proposal proposal) {
        Map<String, String> edits = new LinkedHashMap<>();
        proposal.diff().lines().filter(line -> line.startsWith("+") && !line.startsWith("+++")).forEach(line -> {
            String[] parts = line.substring(1).split("=", 2);
            edits.put(parts[0].strip(), parts[1].strip());
        });
        return edits;
    }

    static Knob knob(String name) {
        return SPEC.knobs().stream().filter(knob -> knob.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Knob> surface(String name) {
        return SPEC.surfaces().get(name);
    }

    private static TrialRecord record(int number, Integer parent, String specialist, TrialState state, Label label,
            Double score, RecipeTree tree) {
        Map<String, String> knobs = new HashMap<>();
        for (Knob knob : SPEC.knobs()) {
            KnobLiterals.read(tree.text(knob.file()), knob.name()).ifPresent(value -> knobs.put(knob.name(), value));
        }
        return new TrialRecord(number, parent, specialist, state, label, score, tree.hash(), knobs);
    }

    private static EnvironmentSpec spec() {
        try {
            return EnvironmentCatalog.load(Path.of("environments/digits")).spec();
        } catch (EnvironmentCatalog.InvalidEnvironment e) {
            throw new IllegalStateException(e);
        }
    }
}
