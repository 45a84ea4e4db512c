package dev.empiric.trial;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.empiric.Json;
import java.time.Instant;
import java.util.Map;

/**
 * Everything recorded about a trial, as the API returns it (the diff has its own endpoint).
 *
 * @param confirmation the confirmation of its gain on fresh seed sets (every round's seeds and scores,
 *                     the test and its outcome); null when it needed none
 * @param confirmationSeconds evaluator seconds its confirmation rounds took, beyond its own runs
 */
public record TrialView(long id, long campaignId, int number, Integer parent, String specialist, String hypothesis,
        Double expectedDelta, TrialState state, Label label, String sourceStatus, String labelReason, Double score, Double scoreStd,
        Double deltaVsBest, Integer judgedAgainst, Double noiseFloor, Double keepThreshold, Map<String, Double> metrics,
        String commit, String notes, Instant submittedAt, Instant startedAt, Instant finishedAt, Double recipeSeconds,
        Double scoringSeconds, Long artifactBytes, int attempts, String proposedFrom, String viewHash,
        Confirmation confirmation, Double confirmationSeconds) {

    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {};

    public static TrialView of(Trial trial) {
        return new TrialView(trial.id, trial.campaignId, trial.number, trial.parentNumber, trial.specialist,
                trial.hypothesis, trial.expectedDelta, trial.state, trial.label, trial.sourceStatus, trial.labelReason, trial.score,
                trial.scoreStd, trial.deltaVsBest, trial.bestAtJudgement, trial.noiseFloor, trial.keepThreshold,
                metrics(trial.metrics), trial.commitId, trial.notes, trial.submittedAt, trial.startedAt,
                trial.finishedAt, trial.recipeSeconds, trial.scoringSeconds, trial.artifactBytes, trial.attempts,
                trial.proposedFrom, trial.viewHash, Confirmation.read(trial.confirmation), trial.confirmationSeconds);
    }

    /** Parses the metrics column. */
    public static Map<String, Double> metrics(String json) {
        return json == null || json.isBlank() ? Map.of() : Json.read(json, METRICS);
    }

    static String metricsJson(Map<String, Double> metrics) {
        return Json.write(new java.util.TreeMap<>(metrics));
    }
}
