package dev.empiric.campaign;

/**
 * ACTIVE accepts and evaluates trials; FAILED means its baseline could not be measured; IMPORTED is
 * a read-only record of another harness's run ({@link ImportOrigin}): it is shown, compared and
 * exported like any campaign, but nothing runs in it, so it takes no trials and no runner.
 */
public enum CampaignStatus {
    ACTIVE, FAILED, IMPORTED
}
