package dev.empiric.trial;

import java.util.List;

/**
 * One confirmation round for a worker to run: the trial's own job (its commit, environment and
 * budgets), the incumbent to run beside it (its number and commit, read under the campaign's lock when
 * the round was planned) and the round's seed set, chosen by the server ({@link SeedSets}).
 */
public record ConfirmationJob(EvaluationJob job, int incumbent, String incumbentCommit, int round, List<Integer> seeds) {

    public ConfirmationJob {
        seeds = List.copyOf(seeds);
    }
}
