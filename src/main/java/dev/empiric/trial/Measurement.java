package dev.empiric.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the evaluator measured in one attempt of one trial, and its {@link Verdict}. Whether a
 * scored trial becomes KEEP or DISCARD is not decided here: that needs the incumbent at the moment
 * the outcome is recorded ({@link KeepRule}). Immutable: legality checks make a new measurement.
 *
 * @param seedSets the score on each seed set measured: the environment's own set, and for a baseline
 *                 also its repeats on shifted sets, whose spread is the campaign's first noise estimate
 */
public record Measurement(Verdict verdict, Double score, Double scoreStd, Map<String, Double> metrics,
        Double recipeSeconds, Double scoringSeconds, Long artifactBytes, List<String> notes,
        List<SeedSetScore> seedSets) {

    /** The evaluator's judgement of an attempt, before the keep rule. */
    public sealed interface Verdict permits Scored, Failed, InfrastructureFailed {}

    /** Ran, passed every legality check, and has a score. */
    public record Scored() implements Verdict {}

    /** The recipe's doing: it crashed, ran over a budget, missed a gate, ... */
    public record Failed(Label label) implements Verdict {
        public Failed {
            if (label.isInfrastructure() || label.isScored()) {
                throw new IllegalArgumentException(label + " is not a failure of the recipe");
            }
        }
    }

    /** The platform's doing (Docker, disk): retried, never counted against the agent. */
    public record InfrastructureFailed() implements Verdict {}

    public Measurement {
        metrics = Map.copyOf(metrics);
        notes = List.copyOf(notes);
        seedSets = seedSets == null ? List.of() : List.copyOf(seedSets);
    }

    public static Measurement failed(Label label, String note) {
        return new Measurement(new Failed(label), null, null, Map.of(), null, null, null, List.of(note), List.of());
    }

    public static Measurement infrastructureFailed(String note) {
        return new Measurement(new InfrastructureFailed(), null, null, Map.of(), null, null, null, List.of(note),
                List.of());
    }

    /** The same measurement, failed with {@code label}: what was measured before the rule failed is kept. */
    public Measurement failing(Label label, String note) {
        return new Measurement(new Failed(label), score, scoreStd, metrics, recipeSeconds, scoringSeconds,
                artifactBytes, append(note), seedSets);
    }

    public Measurement withNotes(List<String> more) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(more);
        return new Measurement(verdict, score, scoreStd, metrics, recipeSeconds, scoringSeconds, artifactBytes, all,
                seedSets);
    }

    public Measurement withMetrics(Map<String, Double> replaced) {
        return new Measurement(verdict, score, scoreStd, replaced, recipeSeconds, scoringSeconds, artifactBytes, notes,
                seedSets);
    }

    public boolean scored() {
        return verdict instanceof Scored;
    }

    private List<String> append(String note) {
        List<String> all = new ArrayList<>(notes);
        all.add(note);
        return all;
    }
}
