package dev.empiric.trial;

import dev.empiric.campaign.Budgets;
import dev.empiric.environment.Environment;

/**
 * What a worker needs to evaluate one attempt of one trial, copied out of the store when the trial
 * is claimed: the commit to run, the environment, and the campaign's resolved budgets.
 */
public record EvaluationJob(long trialId, long campaignId, int number, int attempt, String commitId,
        Environment environment, Budgets budgets) {

    public boolean isBaseline() {
        return number == 0;
    }
}
