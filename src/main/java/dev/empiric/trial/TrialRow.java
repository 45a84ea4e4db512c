package dev.empiric.trial;

import java.time.Instant;

/**
 * One line of the trials table: the columns a researcher scans and sorts by, without the diff,
 * metrics or notes, so that a page of rows stays cheap however large the campaign. The hypothesis is
 * cut to {@link #HYPOTHESIS_CHARS}; the trial page has the full text.
 */
public record TrialRow(Long id, int number, Integer parentNumber, String specialist, TrialState state, Label label,
        Double score, Double scoreStd, Double deltaVsBest, String hypothesis, Instant submittedAt,
        Instant finishedAt, Double recipeSeconds, Long artifactBytes, int attempts) {

    public static final int HYPOTHESIS_CHARS = 240;

    public TrialRow {
        if (hypothesis != null && hypothesis.length() > HYPOTHESIS_CHARS) {
            hypothesis = hypothesis.substring(0, HYPOTHESIS_CHARS - 1) + "…";
        }
    }
}
