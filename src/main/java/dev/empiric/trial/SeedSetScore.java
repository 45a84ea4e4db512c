package dev.empiric.trial;

import java.util.List;

/**
 * A recipe's score on one set of seeds: the mean over the seeds, exactly as a trial is scored on the
 * environment's own seed set. It is the unit that noise estimates and confirmations count in, so that
 * an environment with three seeds per trial compares means of three with means of three.
 */
public record SeedSetScore(List<Integer> seeds, double score) {

    public SeedSetScore {
        seeds = List.copyOf(seeds);
    }
}
