package dev.empiric.lineage;

import dev.empiric.trial.Label;
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

    /** A JPQL constructor expression for the column constructor below. */
    static final String SELECT = "select new dev.empiric.lineage.LineageEntry(t.number, t.parentNumber,"
            + " t.specialist, t.hypothesis, t.expectedDelta, t.label, t.score, t.scoreStd, t.deltaVsBest,"
            + " t.bestAtJudgement, t.metrics, t.commitId, t.notes, t.finishedAt, t.recipeSeconds, t.scoringSeconds,"
            + " t.artifactBytes) from Trial t";

    /** Built by the query straight from the columns, so that the (possibly large) diff is never loaded. */
    public LineageEntry(int number, Integer parent, String specialist, String hypothesis, Double expectedDelta,
            Label label, Double score, Double scoreStd, Double deltaVsBest, Integer judgedAgainst, String metricsJson,
            String commit, String notes, Instant finishedAt, Double recipeSeconds, Double scoringSeconds,
            Long artifactBytes) {
        this(number, parent, specialist, hypothesis, expectedDelta, label, score, scoreStd, deltaVsBest,
                judgedAgainst, TrialView.metrics(metricsJson), commit, notes, finishedAt, recipeSeconds,
                scoringSeconds, artifactBytes);
    }
}
