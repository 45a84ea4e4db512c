package dev.empiric.trial;

import dev.empiric.environment.EnvironmentSpec.Goal;
import java.util.List;

/**
 * One round of a confirmation: the candidate and the incumbent, each run on the same fresh seed set
 * chosen by the server, with what each scored (per seed and as the set's mean) or why it did not.
 *
 * @param seconds evaluator wallclock the round took (both recipes, their scorers and the containers
 *                around them): confirmation time the campaign spends beyond its trials' own runs
 */
public record ConfirmationRound(int round, List<Integer> seeds, Side candidate, Side incumbent, double seconds) {

    public ConfirmationRound {
        seeds = List.copyOf(seeds);
    }

    /**
     * One recipe's run on the round's seeds: its score (the mean over the seeds) and per-seed scores,
     * or the label and note of what ended it (a crash, a timeout, a gate missed on these seeds).
     */
    public record Side(Double score, List<Double> perSeed, Label failure, String note) {

        public Side {
            perSeed = perSeed == null ? List.of() : List.copyOf(perSeed);
        }

        public static Side scored(double score, List<Double> perSeed) {
            return new Side(score, perSeed, null, null);
        }

        public static Side failed(Label failure, String note) {
            return new Side(null, List.of(), failure, note);
        }

        public boolean hasScore() {
            return score != null;
        }
    }

    /** The candidate's gain over the incumbent on this round's seeds (positive is better), null unless both scored. */
    public Double gain(Goal goal) {
        return candidate.hasScore() && incumbent.hasScore() ? goal.improvement(candidate.score(), incumbent.score())
                : null;
    }
}
