package dev.empiric.trial;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/** Everything recorded about a trial, as the API returns it. */
public record TrialView(long id, long campaignId, int number, Integer parent, String specialist, String hypothesis,
        Double expectedDelta, TrialState state, Label label, Double score, Double scoreStd, Double deltaVsBest,
        Integer judgedAgainst, Map<String, Double> metrics, String commit, String notes, Instant submittedAt,
        Instant startedAt, Instant finishedAt, Double recipeSeconds, Double scoringSeconds, Long artifactBytes,
        int attempts, String proposedFrom) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static TrialView of(Trial trial) {
        return new TrialView(trial.id, trial.campaignId, trial.number, trial.parentNumber, trial.specialist,
                trial.hypothesis, trial.expectedDelta, trial.state, trial.label, trial.score, trial.scoreStd,
                trial.deltaVsBest, trial.bestAtJudgement, metrics(trial.metrics), trial.commitId, trial.notes,
                trial.submittedAt, trial.startedAt, trial.finishedAt, trial.recipeSeconds, trial.scoringSeconds,
                trial.artifactBytes, trial.attempts, trial.proposedFrom);
    }

    /** Parses the metrics column; the lineage view reads it without loading whole trials. */
    public static Map<String, Double> metrics(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String metricsJson(Map<String, Double> metrics) {
        try {
            return JSON.writeValueAsString(metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
