package dev.empiric.lineage;

import dev.empiric.trial.Confirmation;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialView;
import java.time.Instant;
import java.util.Map;

/**
 * One trial as the lineage view shows it: the paper's record per trial (parent, specialist,
 * hypothesis, expected delta, label, score, delta vs the incumbent it was judged against, timings,
 * artifact size, notes) and the evaluator's metrics, without the diff, which the trial's commit holds.
 *
 * @param keepEvidence how the gain fared on fresh seeds, in a word ("confirmed", "within noise", ...;
 *                     {@link Confirmation#verdict()}); null when it needed no confirmation
 * @param confirmation every confirmation round's seeds and scores, the test and its outcome
 */
public record LineageEntry(int number, Integer parent, String specialist, String hypothesis, Double expectedDelta,
        Label label, Double score, Double scoreStd, Double deltaVsBest, Integer judgedAgainst,
        Map<String, Double> metrics, String commit, String notes, Instant finishedAt, Double recipeSeconds,
        Double scoringSeconds, Long artifactBytes, String keepEvidence, Confirmation confirmation) {

    static LineageEntry of(Trial trial) {
        Confirmation confirmation = Confirmation.read(trial.confirmation);
        return new LineageEntry(trial.number, trial.parentNumber, trial.specialist, trial.hypothesis,
                trial.expectedDelta, trial.label, trial.score, trial.scoreStd, trial.deltaVsBest,
                trial.bestAtJudgement, TrialView.metrics(trial.metrics), trial.commitId, trial.notes, trial.finishedAt,
                trial.recipeSeconds, trial.scoringSeconds, trial.artifactBytes,
                confirmation == null ? null : confirmation.verdict(), confirmation);
    }
}
