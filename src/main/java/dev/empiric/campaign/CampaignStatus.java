package dev.empiric.campaign;

/** ACTIVE accepts and evaluates trials; FAILED means its baseline could not be measured. */
public enum CampaignStatus {
    ACTIVE, FAILED
}
