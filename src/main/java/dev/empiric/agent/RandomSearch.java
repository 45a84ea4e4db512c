package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Uniform random search over every knob of every surface: each proposal draws all knobs
 * independently (log-uniformly for log knobs), learning nothing from outcomes. It is the yardstick
 * that the learning specialists must beat at equal trial budgets (docs/performance.md), and it is
 * never among a runner's default specialists.
 */
public final class RandomSearch implements Specialist {

    public static final String NAME = "random";
    private static final int DRAWS = 50;

    private final List<Knob> knobs;

    public RandomSearch(List<Knob> knobs) {
        this.knobs = List.copyOf(knobs);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Proposal> propose(ProposalContext context) {
        TrialRecord best = context.history().best();
        for (int draw = 0; draw < DRAWS; draw++) {
            Map<Knob, String> literals = new LinkedHashMap<>();
            for (Knob knob : knobs) {
                String current = best.knobs().get(knob.name());
                if (current != null) {
                    literals.put(knob, sample(knob, current, context.random()));
                }
            }
            RecipeTree tree = context.bestTree().withKnobs(literals);
            if (!context.measured(tree)) {
                String configuration = literals.entrySet().stream()
                        .map(entry -> entry.getKey().name() + "=" + entry.getValue()).collect(Collectors.joining(", "));
                return Optional.of(new Proposal("uniform random configuration: " + configuration,
                        tree.diffFrom(context.bestTree()), best.number(), NAME));
            }
        }
        return Optional.empty();
    }

    private static String sample(Knob knob, String current, Random random) {
        if ("choice".equals(knob.type())) {
            List<Object> choices = knob.choices();
            return KnobSearch.choiceLiteral(knob, Objects.toString(choices.get(random.nextInt(choices.size()))), current);
        }
        KnobScale scale = new KnobScale(knob);
        double unit = scale.minUnit() + random.nextDouble() * (scale.maxUnit() - scale.minUnit());
        return scale.literal(scale.valueAt(unit));
    }
}
