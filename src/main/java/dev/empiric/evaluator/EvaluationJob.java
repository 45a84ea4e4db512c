package dev.empiric.evaluator;

import dev.empiric.campaign.CampaignSettings;
import dev.empiric.environment.Environment;

/** What a worker needs to evaluate one attempt of one trial, copied out of the store when claimed. */
public record EvaluationJob(long trialId, long campaignId, int number, int attempt, String commitId,
        Environment environment, CampaignSettings settings) {

    public boolean isBaseline() {
        return number == 0;
    }
}
