package dev.empiric.trial;

import java.time.Instant;

/**
 * Every column of a trial, detached from the persistence context: what readers that go through a
 * whole campaign (the export) get, page by page, so that a campaign of any length is read in
 * bounded memory and the lazily loaded diff costs no query of its own.
 */
public record TrialColumns(int number, Integer parent, String specialist, String hypothesis, Double expectedDelta,
        String diff, String commitId, TrialState state, Label label, String sourceStatus, String labelReason,
        Double score, Double scoreStd, String metrics, Double deltaVsBest, Integer judgedAgainst, Double noiseFloor,
        Double keepThreshold, String confirmation, String notes, String viewHash, Instant submittedAt, Instant startedAt,
        Instant finishedAt, Double recipeSeconds, Double scoringSeconds, Long artifactBytes, int attempts) {}
