package dev.empiric.agent;

import java.util.List;

/**
 * How far from the best recipe the knob model looks: the side of a box around it, in [0, 1] units
 * of every knob's range (TuRBO, Eriksson et al. 2019). It starts at 0.8, nearly the whole space,
 * so early moves are joint moves of many knobs; it doubles after {@value #SUCCESSES} trials in a row
 * that improved on the best by more than the noise, and halves after a run of trials that did not,
 * so the search narrows to local refinement when improvements stop. When it has shrunk below {@value #MIN_SIDE} it opens
 * again (a restart of the region, keeping all data).
 *
 * <p>Stateless: the side is replayed from the lineage in trial order every time, so it is the same
 * after a restart and for every specialist that asks.
 */
final class TrustRegion {

    static final double INITIAL_SIDE = 0.8;
    static final double MAX_SIDE = 1.6;
    static final double MIN_SIDE = 1.0 / 32;
    static final int SUCCESSES = 3;

    private TrustRegion() {}

    /**
     * The side after the given outcomes, oldest first: for each finished trial, its score turned
     * so that higher is better, or NaN for a trial that failed. A trial improves on the best only
     * by more than {@code margin}; less could be the seed.
     */
    static double side(List<Double> outcomes, int knobs, double margin) {
        int patience = Math.max(4, (knobs + 1) / 2);
        double side = INITIAL_SIDE;
        double best = Double.NEGATIVE_INFINITY;
        int successes = 0;
        int misses = 0;
        for (double outcome : outcomes) {
            boolean improved = !Double.isNaN(outcome) && outcome > best + margin;
            if (!Double.isNaN(outcome)) {
                best = Math.max(best, outcome);
            }
            if (improved) {
                successes++;
                misses = 0;
            } else {
                misses++;
                successes = 0;
            }
            if (successes == SUCCESSES) {
                side = Math.min(2 * side, MAX_SIDE);
                successes = 0;
            } else if (misses == patience) {
                side /= 2;
                misses = 0;
                if (side < MIN_SIDE) {
                    side = INITIAL_SIDE;
                }
            }
        }
        return side;
    }
}
