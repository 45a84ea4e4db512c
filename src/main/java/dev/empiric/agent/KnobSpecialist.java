package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The offline specialist of one surface: edits one knob of the best recipe (sometimes two), using
 * {@link KnobSearch} for the values and the whole lineage for the choice of knob. Knobs whose
 * changes were kept more often, and knobs tried less often, are preferred, with a random tie-break;
 * the first candidate whose resulting tree was never measured becomes the proposal. No LLM and no
 * network: it runs anywhere the server runs, which makes it the default and the yardstick.
 */
public final class KnobSpecialist implements Specialist {

    static final double PAIR_PROBABILITY = 0.2;
    private static final int PAIR_CANDIDATES = 3;

    private final String surface;
    private final List<Knob> knobs;

    public KnobSpecialist(String surface, List<Knob> knobs) {
        this.surface = surface;
        this.knobs = List.copyOf(knobs);
    }

    @Override
    public String name() {
        return surface;
    }

    @Override
    public Optional<Proposal> propose(ProposalContext context) {
        CampaignHistory history = context.history();
        Random random = context.random();
        List<Knob> ranked = rank(history, random);
        Map<Knob, List<Candidate>> candidates = new LinkedHashMap<>();
        for (Knob knob : ranked) {
            candidates.put(knob, KnobSearch.candidates(knob, history, random));
        }
        if (ranked.size() > 1 && random.nextDouble() < PAIR_PROBABILITY) {
            Knob first = ranked.get(0);
            Knob second = ranked.get(1);
            for (Candidate a : candidates.get(first).stream().limit(PAIR_CANDIDATES).toList()) {
                for (Candidate b : candidates.get(second).stream().limit(PAIR_CANDIDATES).toList()) {
                    Map<Knob, Candidate> both = new LinkedHashMap<>();
                    both.put(first, a);
                    both.put(second, b);
                    Optional<Proposal> pair = edit(context, both);
                    if (pair.isPresent()) {
                        return pair;
                    }
                }
            }
        }
        for (Map.Entry<Knob, List<Candidate>> knob : candidates.entrySet()) {
            for (Candidate candidate : knob.getValue()) {
                Optional<Proposal> single = edit(context, Map.of(knob.getKey(), candidate));
                if (single.isPresent()) {
                    return single;
                }
            }
        }
        return Optional.empty();
    }

    /** Knobs in the order to try: kept-change rate with a prior (1 + keeps) / (1 + changes), plus noise. */
    private List<Knob> rank(CampaignHistory history, Random random) {
        Map<Knob, Double> priority = new LinkedHashMap<>();
        for (Knob knob : knobs) {
            if (history.best().knobs().containsKey(knob.name())) {
                KnobEvidence evidence = KnobEvidence.of(knob, history);
                priority.put(knob, (1.0 + evidence.keeps()) / (1.0 + evidence.count()) + 0.5 * random.nextDouble());
            }
        }
        List<Knob> ranked = new ArrayList<>(priority.keySet());
        ranked.sort(Comparator.comparing(priority::get, Comparator.reverseOrder()));
        return ranked;
    }

    private Optional<Proposal> edit(ProposalContext context, Map<Knob, Candidate> edits) {
        Map<Knob, String> literals = new LinkedHashMap<>();
        edits.forEach((knob, candidate) -> literals.put(knob, candidate.literal()));
        RecipeTree tree = context.bestTree().withKnobs(literals);
        if (context.measured(tree)) {
            return Optional.empty();
        }
        TrialRecord best = context.history().best();
        String changes = edits.keySet().stream()
                .map(knob -> knob.name() + " " + best.knobs().get(knob.name()) + " → " + literals.get(knob))
                .collect(Collectors.joining(", "));
        String reasons = edits.values().stream().map(Candidate::reason).distinct().collect(Collectors.joining("; "));
        return Optional.of(new Proposal(changes + ": " + reasons, tree.diffFrom(context.bestTree()), best.number(),
                name()));
    }
}
