package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.Label;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Re-applies promising edits from other branches onto the best. A donor is a scored trial off the
 * best's chain that was kept, or that beat its own parent without clearing the noise threshold (a
 * near miss); its edit is the set of knob values it changed relative to its parent. Two edits that
 * each helped a little often stack, and under concurrency two keeps on sibling branches would
 * otherwise never meet. Kept donors first, then by how much they beat their parent.
 */
public final class Combiner implements Specialist {

    public static final String NAME = "combiner";

    private final List<Knob> knobs;

    public Combiner(List<Knob> knobs) {
        this.knobs = List.copyOf(knobs);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Proposal> propose(ProposalContext context) {
        CampaignHistory history = context.history();
        TrialRecord best = history.best();
        Set<Integer> chain = Set.copyOf(history.bestChain());
        List<TrialRecord> donors = history.trials().stream()
                .filter(trial -> !chain.contains(trial.number()) && trial.isScored())
                .filter(trial -> trial.label() == Label.KEEP
                        || history.improvementOverParent(trial).orElse(0.0) > 0)
                .sorted(Comparator.comparing((TrialRecord trial) -> trial.label() != Label.KEEP)
                        .thenComparing(trial -> -history.improvementOverParent(trial).orElse(0.0)))
                .toList();
        for (TrialRecord donor : donors) {
            TrialRecord parent = history.parentOf(donor).orElseThrow();
            Map<Knob, String> edit = new LinkedHashMap<>();
            for (Knob knob : knobs) {
                String value = donor.knobs().get(knob.name());
                if (value != null && !value.equals(parent.knobs().get(knob.name()))
                        && best.knobs().containsKey(knob.name()) && !value.equals(best.knobs().get(knob.name()))) {
                    edit.put(knob, value);
                }
            }
            if (edit.isEmpty()) {
                continue;
            }
            RecipeTree tree = context.bestTree().withKnobs(edit);
            if (context.measured(tree)) {
                continue;
            }
            String changes = edit.entrySet().stream()
                    .map(e -> e.getKey().name() + " " + best.knobs().get(e.getKey().name()) + " → " + e.getValue())
                    .collect(Collectors.joining(", "));
            String why = donor.label() == Label.KEEP ? "was kept" : String.format(Locale.ROOT, 
                    "beat its parent (trial %d) by %.4g, within the noise", parent.number(),
                    history.improvementOverParent(donor).orElseThrow());
            return Optional.of(new Proposal(String.format(Locale.ROOT, "%s: combining trial %d's edit onto the best (trial %d); "
                    + "trial %d %s on another branch, and edits that help separately often stack", changes,
                    donor.number(), best.number(), donor.number(), why), tree.diffFrom(context.bestTree()),
                    best.number(), NAME));
        }
        return Optional.empty();
    }
}
