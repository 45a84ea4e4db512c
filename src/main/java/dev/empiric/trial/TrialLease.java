package dev.empiric.trial;

/** A server's claim on a trial it is evaluating: the server's instance id, the campaign and the trial's number. */
public record TrialLease(String owner, long campaignId, int trialNumber) {}
