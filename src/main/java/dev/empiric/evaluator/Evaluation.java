package dev.empiric.evaluator;

import dev.empiric.trial.Label;
import java.util.List;
import java.util.Map;

/**
 * The evaluator's verdict on one attempt. A null {@code label} means the trial ran, passed every
 * check and was scored; whether that makes it KEEP or DISCARD is decided against the incumbent when
 * the result is recorded. {@code noiseFloor} is set for baselines measured more than once.
 */
public record Evaluation(Label label, Double score, Double scoreStd, Map<String, Double> metrics,
        Double recipeSeconds, Double scoringSeconds, Long artifactBytes, List<String> notes, Double noiseFloor) {

    public static Evaluation failed(Label label, String note) {
        return new Evaluation(label, null, null, Map.of(), null, null, null, List.of(note), null);
    }

    public Evaluation withLabel(Label newLabel, String note) {
        List<String> allNotes = new java.util.ArrayList<>(notes);
        allNotes.add(note);
        return new Evaluation(newLabel, score, scoreStd, metrics, recipeSeconds, scoringSeconds, artifactBytes,
                allNotes, noiseFloor);
    }
}
