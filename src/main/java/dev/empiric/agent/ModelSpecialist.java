package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.agent.BayesianSearch.Suggestion;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.TrialState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The knob model as a specialist: hands the lineage to {@link BayesianSearch} and proposes its best
 * suggestion whose recipe was never measured, as an edit of the best recipe that sets every knob
 * the model chose. Unlike the per-surface {@link KnobSpecialist}s it moves many knobs at once, which
 * is what pays early in a campaign, and it narrows to local refinement as evidence accumulates.
 */
public final class ModelSpecialist implements Specialist {

    public static final String NAME = "model";
    private static final int SUGGESTIONS = 8;

    private final List<Knob> knobs;

    public ModelSpecialist(List<Knob> knobs) {
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
        List<Knob> editable = knobs.stream().filter(knob -> best.knobs().containsKey(knob.name())).toList();
        List<Observation> observations = history.trials().stream().map(trial -> observation(trial, history))
                .flatMap(Optional::stream).toList();
        List<Suggestion> suggestions = new BayesianSearch(editable, history.goal())
                .suggest(observations, best.number(), history.keepThreshold(), context.random(), SUGGESTIONS);
        for (Suggestion suggestion : suggestions) {
            Map<Knob, String> changes = new LinkedHashMap<>();
            for (Knob knob : editable) {
                String literal = suggestion.literals().get(knob.name());
                if (literal != null && !literal.equals(best.knobs().get(knob.name()))) {
                    changes.put(knob, literal);
                }
            }
            RecipeTree tree = context.bestTree().withKnobs(changes);
            if (changes.isEmpty() || context.measured(tree)) {
                continue;
            }
            String edit = changes.entrySet().stream()
                    .map(change -> change.getKey().name() + " " + best.knobs().get(change.getKey().name()) + " → "
                            + change.getValue())
                    .collect(Collectors.joining(", "));
            return Optional.of(new Proposal(edit + ": " + reason(suggestion, changes.size(), observations, history),
                    tree.diffFrom(context.bestTree()), best.number(), NAME));
        }
        return Optional.empty();
    }

    /** What the model learns from a trial: its outcome, or that it is still queued or running. */
    private static Optional<Observation> observation(TrialRecord trial, CampaignHistory history) {
        if (trial.state() == TrialState.QUEUED || trial.state() == TrialState.RUNNING) {
            return trial.occupiesTree() ? Optional.of(Observation.pending(trial.number(), trial.knobs()))
                    : Optional.empty();
        }
        return switch (trial.outcome()) {
            case SCORED -> trial.score() == null ? Optional.empty() : Optional.of(new Observation(trial.number(),
                    trial.knobs(), trial.label(), trial.score(),
                    history.improvementOverParent(trial).orElse(0.0) > 0, false));
            case OVER_BUDGET, BROKEN -> Optional.of(Observation.failed(trial.number(), trial.knobs(), trial.label()));
            case NOTHING -> Optional.empty();
        };
    }

    private static String reason(Suggestion suggestion, int changed, List<Observation> observations,
            CampaignHistory history) {
        long scored = observations.stream().filter(Observation::isScored).count();
        long failed = observations.stream().filter(Observation::isFailure).count();
        String move = switch (suggestion.move()) {
            case SPACE_FILLING -> String.format(Locale.ROOT, "a joint move of %d knobs to the untried recipe farthest "
                    + "from the %d tried (the knob model spreads out until %d recipes are scored)", changed,
                    observations.size(), BayesianSearch.SPACE_FILLING_UNTIL);
            case TRUST_REGION -> String.format(Locale.ROOT, "a joint move of %d knobs within the knob model's trust "
                    + "region around trial %d (%.2g of each knob's range)", changed, suggestion.around(), suggestion.side());
            case LOCAL -> String.format(Locale.ROOT, "local refinement of %d knobs around trial %d", changed,
                    suggestion.around());
            case GLOBAL -> String.format(Locale.ROOT, "a joint move of %d knobs from the knob model's search over the "
                    + "whole space (every recipe it would try near the best was tried)", changed);
        };
        if (suggestion.move() == BayesianSearch.Move.SPACE_FILLING) {
            return move;
        }
        String model = String.format(Locale.ROOT, "; a Gaussian process over %d scored recipes%s predicts %s %.4g ± %.2g, "
                + "a %.0f%% chance to pass %.4g (the best predicted score of a measured recipe, plus the noise)", scored,
                failed == 0 ? "" : " and " + failed + " failures", history.metric(), suggestion.expected(),
                suggestion.spread(), 100 * suggestion.chance(), suggestion.target());
        String budget = failed == 0 ? "" : String.format(Locale.ROOT, "; %.0f%% chance to run within budget and gates",
                100 * suggestion.feasibility());
        return move + model + budget;
    }
}
