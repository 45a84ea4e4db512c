package dev.empiric.lineage;

import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialView;
import java.time.Instant;
import java.util.Map;

/**
 * One trial as the lineage view shows it: the paper's record per trial (parent, specialist,
 * hypothesis, expected delta, label, score, delta vs the incumbent it was judged against, timings,
 * artifact size, notes) and the evaluator's metrics, without the diff, which the trial's commit holds.
 */
public record LineageEntry(int number, Integer parent, String specialist, String hypothesis, Double expectedDelta,
        Label label, Double score, Double scoreStd, Double deltaVsBest, Integer judgedAgainst,
        Map<String, Double> metrics, String commit, String notes, Instant finishedAt, Double recipeSeconds,
        Double scoringSeconds, Long artifactBytes) {

    static LineageEntry of(Trial trial) {
        return new LineageEntry(trial.number, trial.parentNumber, trial.specialist, trial.hypothesis,
                trial.expectedDelta, trial.label, trial.score, trial.scoreStd, trial.deltaVsBest,
                trial.bestAtJudgement, TrialView.metrics(trial.metrics), trial.commitId, trial.notes, trial.finishedAt,
                trial.recipeSeconds, trial.scoringSeconds, trial.artifactBytes);
    }
}
