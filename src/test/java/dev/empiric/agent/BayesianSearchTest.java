package dev.empiric.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.Label;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The knob model on simulated campaigns and hand-written lineages over the digits knobs: no server, no containers. */
@Tag("unit")
class BayesianSearchTest {

    private static final int TRIALS = 40;

    @Test
    void findsTheOptimumOfAKnownFunctionWhereRandomSearchDoesNot() {
        double[] model = finalBests(SyntheticCampaign.model(), 5);
        double[] random = finalBests(SyntheticCampaign.uniformRandom(), 21);
        assertTrue(median(model) >= SyntheticCampaign.OPTIMUM - 0.01,
                "the model's median best after " + TRIALS + " trials: " + Arrays.toString(model));
        assertTrue(median(model) > median(random) + 0.02, "model " + Arrays.toString(model) + " against random search "
                + Arrays.toString(random));
    }

    @Test
    void avoidsARegionThatTimedOutOnceItHasBeenSeen() {
        int informed = 0;
        int blind = 0;
        for (int seed = 0; seed < 4; seed++) {
            informed += timeouts(SyntheticCampaign.model(), seed);
            // The same model, told only that those recipes were tried, not how they ended.
            SyntheticCampaign.Proposer model = SyntheticCampaign.model();
            blind += timeouts((observations, incumbent, random) -> model.next(observations.stream()
                    .map(o -> o.isFailure() ? Observation.pending(o.number(), o.knobs()) : o).toList(), incumbent,
                    random), seed);
        }
        assertTrue(2 * informed < blind, "timeouts with the failure labels " + informed + ", without " + blind);
    }

    @Test
    void aTimeoutMarksTheWholeRegionBeyondIt() {
        // Scores rise with EPOCHS up to 80; 160 and 200 ran out of time.
        List<Observation> lineage = new ArrayList<>();
        double score = 0.90;
        for (String epochs : List.of("10", "20", "40", "80")) {
            lineage.add(Observation.scored(lineage.size(), recipe("EPOCHS", epochs), score, true));
            score += 0.02;
        }
        lineage.add(Observation.scored(lineage.size(), recipe("EPOCHS", "60", "LEARNING_RATE", "0.02"), 0.95, false));
        List<Observation> withTimeouts = new ArrayList<>(lineage);
        withTimeouts.add(Observation.failed(lineage.size(), recipe("EPOCHS", "160"), Label.RECIPE_TIMEOUT));
        withTimeouts.add(Observation.failed(lineage.size() + 1, recipe("EPOCHS", "200"), Label.RECIPE_TIMEOUT));
        BayesianSearch search = new BayesianSearch(SyntheticCampaign.KNOBS, Goal.MAXIMIZE);
        int beyond = 0;
        for (int seed = 0; seed < 20; seed++) {
            for (BayesianSearch.Suggestion suggestion : search.suggest(withTimeouts, 3, 0.01, new Random(seed), 3)) {
                beyond += SyntheticCampaign.number(suggestion.literals(), "EPOCHS") >= 160 ? 1 : 0;
            }
        }
        assertEquals(0, beyond, "suggestions at or beyond the epochs that timed out");
    }

    @Test
    void neverProposesARecipeThatWasMeasuredQueuedOrFailed() {
        // Two choice knobs and an integer knob with three values: 18 recipes in all.
        List<Knob> knobs = List.of(SyntheticHistory.knob("ACTIVATION"), SyntheticHistory.knob("LR_SCHEDULE"),
                new Knob("EPOCHS", "train.py", "int", 1.0, 3.0, false, null));
        BayesianSearch search = new BayesianSearch(knobs, Goal.MAXIMIZE);
        List<Observation> observations = new ArrayList<>();
        observations.add(Observation.scored(0, Map.of("ACTIVATION", "\"tanh\"", "LR_SCHEDULE", "\"constant\"",
                "EPOCHS", "1"), 0.5, false));
        for (int trial = 1; trial < 30; trial++) {
            List<BayesianSearch.Suggestion> next = search.suggest(observations, 0, 0.01, new Random(trial), 1);
            if (next.isEmpty()) {
                break;
            }
            Map<String, String> recipe = next.getFirst().literals();
            assertFalse(observations.stream().anyMatch(o -> o.knobs().equals(recipe)), "repeated " + recipe);
            int number = trial;
            observations.add(switch (trial % 4) {
                case 0 -> Observation.pending(number, recipe);
                case 1 -> Observation.failed(number, recipe, Label.CRASH);
                default -> Observation.scored(number, recipe, Math.sin(trial), false);
            });
        }
        assertEquals(18, observations.size(), "every recipe once, then nothing new");
    }

    @Test
    void neverProposesARecipeIndistinguishableFromATriedOne() {
        List<Observation> record = new ArrayList<>();
        SyntheticCampaign.bestSoFar(SyntheticCampaign.model(), SyntheticCampaign::accuracy, TRIALS, 3, record);
        KnobSpace space = KnobSpace.of(SyntheticCampaign.KNOBS);
        List<double[]> points = record.stream().map(o -> space.encode(o.knobs()).orElseThrow()).toList();
        for (int a = 0; a < points.size(); a++) {
            for (int b = 0; b < a; b++) {
                assertFalse(space.indistinguishable(points.get(a), points.get(b)),
                        "trials " + b + " and " + a + " are the same recipe within the noise");
            }
        }
    }

    @Test
    void movesFarEarlyAndRefinesLocallyLate() {
        List<Observation> record = new ArrayList<>();
        SyntheticCampaign.bestSoFar(SyntheticCampaign.model(), SyntheticCampaign::accuracy, 60, 5, record);
        double early = meanMove(record, 1, 11);
        double late = meanMove(record, 51, 61);
        assertTrue(late < early / 3, "distance to the nearest earlier recipe: early " + early + ", late " + late);
    }

    @Test
    void minimisesWhenTheGoalSaysSo() {
        BayesianSearch search = new BayesianSearch(SyntheticCampaign.KNOBS, Goal.MINIMIZE);
        SyntheticCampaign.Proposer proposer = (observations, incumbent, random) -> search.suggest(observations.stream()
                .map(o -> o.isScored() ? Observation.scored(o.number(), o.knobs(), -o.score(), o.beatParent()) : o)
                .toList(), incumbent, null, random, 1).stream().findFirst().map(BayesianSearch.Suggestion::literals);
        double best = SyntheticCampaign.bestSoFar(proposer, SyntheticCampaign::accuracy, TRIALS, 1)[TRIALS];
        assertTrue(best >= SyntheticCampaign.OPTIMUM - 0.02, "best " + best);
    }

    @Test
    void theSameLineageAndSeedGiveTheSameSuggestions() {
        List<Observation> record = new ArrayList<>();
        SyntheticCampaign.bestSoFar(SyntheticCampaign.model(), SyntheticCampaign::accuracyWithinBudget, 15, 2, record);
        BayesianSearch search = new BayesianSearch(SyntheticCampaign.KNOBS, Goal.MAXIMIZE);
        assertEquals(search.suggest(record, 0, 0.01, new Random(9), 4), search.suggest(record, 0, 0.01, new Random(9), 4));
    }

    @Test
    void aNearMissOfTheIncumbentIsACentreOfLocalSearch() {
        List<Observation> record = new ArrayList<>();
        SyntheticCampaign.bestSoFar(SyntheticCampaign.model(), SyntheticCampaign::accuracy, 12, 4, record);
        Observation best = record.stream().filter(Observation::isScored)
                .max((a, b) -> Double.compare(a.score(), b.score())).orElseThrow();
        // A recipe a few steps away that scored a little above the incumbent, within the keep threshold.
        Map<String, String> nearMiss = new HashMap<>(best.knobs());
        nearMiss.put("LEARNING_RATE", "0.9");
        nearMiss.put("BATCH_SIZE", "200");
        record.add(Observation.scored(record.size(), nearMiss, best.score() + 0.005, true));
        BayesianSearch search = new BayesianSearch(SyntheticCampaign.KNOBS, Goal.MAXIMIZE);
        boolean refined = false;
        for (int seed = 0; seed < 10 && !refined; seed++) {
            refined = search.suggest(record, best.number(), 0.01, new Random(seed), 8).stream()
                    .anyMatch(s -> s.move() == BayesianSearch.Move.LOCAL && s.around() == record.size() - 1);
        }
        assertTrue(refined, "no local move around the near miss");
    }

    private static Map<String, String> recipe(String... knobs) {
        Map<String, String> recipe = new HashMap<>(Map.of("LEARNING_RATE", "0.1", "MOMENTUM", "0.9", "BATCH_SIZE",
                "32", "HIDDEN_UNITS", "128", "ACTIVATION", "\"relu\"", "EPOCHS", "10", "LR_SCHEDULE", "\"cosine\"",
                "WEIGHT_DECAY", "0.001"));
        for (int i = 0; i < knobs.length; i += 2) {
            recipe.put(knobs[i], knobs[i + 1]);
        }
        return recipe;
    }

    private static int timeouts(SyntheticCampaign.Proposer proposer, long seed) {
        List<Observation> record = new ArrayList<>();
        SyntheticCampaign.bestSoFar(proposer, SyntheticCampaign::accuracyWithinBudget, TRIALS, seed, record);
        return (int) record.stream().filter(Observation::isFailure).count();
    }

    /** For trials from..to-1, the mean distance (in [0, 1] units per knob) to the nearest recipe tried before it. */
    private static double meanMove(List<Observation> record, int from, int to) {
        KnobSpace space = KnobSpace.of(SyntheticCampaign.KNOBS);
        double sum = 0;
        for (int trial = from; trial < to; trial++) {
            double[] at = space.encode(record.get(trial).knobs()).orElseThrow();
            sum += Math.sqrt(record.subList(0, trial).stream()
                    .mapToDouble(earlier -> space.distanceSquared(at, space.encode(earlier.knobs()).orElseThrow()))
                    .min().orElseThrow());
        }
        return sum / (to - from);
    }

    private static double[] finalBests(SyntheticCampaign.Proposer proposer, int seeds) {
        double[] bests = new double[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            bests[seed] = SyntheticCampaign.bestSoFar(proposer, SyntheticCampaign::accuracy, TRIALS, seed)[TRIALS];
        }
        return bests;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
