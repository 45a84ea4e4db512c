package dev.empiric.agent;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.environment.KnobLiterals;
import dev.empiric.trial.Label;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * A campaign simulated without containers: a known function of the digits knobs stands in for the
 * evaluator, and a proposer (the knob model or uniform random search) runs a fixed number of trials
 * on it, every proposal built on the incumbent and kept under the honest-keep rule. The functions
 * are shaped like the real recipe (an effective step size LEARNING_RATE / (1 - MOMENTUM) with a
 * sweet spot and divergence beyond it, more capacity and training helping up to a point, a best
 * schedule and activation), so the search meets the same kind of landscape as on {@code digits}.
 */
final class SyntheticCampaign {

    static final List<Knob> KNOBS = SyntheticHistory.SPEC.knobs();
    static final double THRESHOLD = 0.01;
    /** The best value {@link #accuracy} can take. */
    static final double OPTIMUM = 0.985;
    private static final Map<String, String> BASELINE = Map.of("LEARNING_RATE", "0.01", "MOMENTUM", "0.0",
            "BATCH_SIZE", "64", "HIDDEN_UNITS", "32", "ACTIVATION", "\"tanh\"", "EPOCHS", "10",
            "LR_SCHEDULE", "\"constant\"", "WEIGHT_DECAY", "0.0");

    /** What the stand-in evaluator says about a recipe: a score, or a failure label's outcome. */
    record Result(Label label, Double score) {

        static Result scored(double score) {
            return new Result(Label.DISCARD, score);
        }
    }

    /** Proposes the next recipe's knob literals from the observations so far, or nothing. */
    interface Proposer {
        Optional<Map<String, String>> next(List<Observation> observations, int incumbent, Random random);
    }

    static Proposer model() {
        BayesianSearch search = new BayesianSearch(KNOBS, Goal.MAXIMIZE);
        return (observations, incumbent, random) -> search.suggest(observations, incumbent, THRESHOLD, random, 1)
                .stream().findFirst().map(BayesianSearch.Suggestion::literals);
    }

    static Proposer uniformRandom() {
        KnobSpace space = KnobSpace.of(KNOBS);
        return (observations, incumbent, random) -> Optional.of(space.literals(space.random(random), BASELINE));
    }

    /** A digits-like accuracy with its optimum {@link #OPTIMUM} inside the ranges; diverges at large steps. */
    static Result accuracy(Map<String, String> knobs) {
        double step = number(knobs, "LEARNING_RATE") / (1 - number(knobs, "MOMENTUM"));
        if (step > 3) {
            return Result.scored(0.1); // diverged: a constant-class model
        }
        double batch = number(knobs, "BATCH_SIZE");
        double updates = number(knobs, "EPOCHS") * 1600 / batch;
        double loss = 0.12 * square(Math.log10(step / 0.2))
                + 0.006 * square(log2(batch / 24))
                + 0.01 * square(log2(number(knobs, "HIDDEN_UNITS") / 256))
                + 0.25 * square(Math.max(0, Math.log10(4000 / updates)))
                + (knobs.get("ACTIVATION").contains("relu") ? 0 : 0.012)
                + (knobs.get("LR_SCHEDULE").contains("cosine") ? 0 : knobs.get("LR_SCHEDULE").contains("step") ? 0.006 : 0.02)
                + 600 * square(number(knobs, "WEIGHT_DECAY") - 0.002);
        return Result.scored(Math.max(0.1, OPTIMUM - loss));
    }

    /**
     * {@link #accuracy}, except that a recipe whose cost (epochs × hidden units / batch size) exceeds
     * 200 runs out of time. The best recipes cost more than that: the budget binds where it hurts.
     */
    static Result accuracyWithinBudget(Map<String, String> knobs) {
        double cost = number(knobs, "EPOCHS") * number(knobs, "HIDDEN_UNITS") / number(knobs, "BATCH_SIZE");
        return cost > 200 ? new Result(Label.RECIPE_TIMEOUT, null) : accuracy(knobs);
    }

    /** Runs {@code trials} proposals and returns the best score seen after each (index 0: the baseline). */
    static double[] bestSoFar(Proposer proposer, Function<Map<String, String>, Result> evaluator, int trials,
            long seed, List<Observation> record) {
        List<Observation> observations = record;
        observations.add(Observation.scored(0, BASELINE, evaluator.apply(BASELINE).score(), false));
        int incumbent = 0;
        double incumbentScore = observations.getFirst().score();
        double[] best = new double[trials + 1];
        best[0] = incumbentScore;
        for (int trial = 1; trial <= trials; trial++) {
            Optional<Map<String, String>> next = proposer.next(List.copyOf(observations), incumbent,
                    new Random(seed * 7919 + trial));
            best[trial] = best[trial - 1];
            if (next.isEmpty()) {
                continue;
            }
            Map<String, String> knobs = new HashMap<>(BASELINE);
            knobs.putAll(next.get());
            Result result = evaluator.apply(knobs);
            if (result.score() == null) {
                observations.add(Observation.failed(trial, knobs, result.label()));
                continue;
            }
            observations.add(Observation.scored(trial, knobs, result.score(), result.score() > incumbentScore));
            best[trial] = Math.max(best[trial], result.score());
            if (result.score() > incumbentScore + THRESHOLD) {
                incumbent = trial;
                incumbentScore = result.score();
            }
        }
        return best;
    }

    static double[] bestSoFar(Proposer proposer, Function<Map<String, String>, Result> evaluator, int trials,
            long seed) {
        return bestSoFar(proposer, evaluator, trials, seed, new ArrayList<>());
    }

    static double number(Map<String, String> knobs, String name) {
        return KnobLiterals.number(knobs.get(name)).orElseThrow();
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    private static double square(double value) {
        return value * value;
    }

    private SyntheticCampaign() {}
}
