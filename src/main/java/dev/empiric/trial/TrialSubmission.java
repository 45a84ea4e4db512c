package dev.empiric.trial;

/**
 * A proposed trial. {@code parent} is a trial number of the same campaign; null means the current
 * best. {@code specialist} names who proposed it, for the audit trail.
 */
public record TrialSubmission(String hypothesis, String diff, Integer parent, String specialist,
        Double expectedDelta) {}
