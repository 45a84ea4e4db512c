package dev.empiric.lineage;

import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.time.Instant;

/**
 * The few narrow columns of a trial that decide whether and where it appears in the view. All of a
 * campaign's skeletons are read in one query and the sections are chosen from them in memory; only
 * the chosen trials' full rows are read afterwards. This keeps the view at three queries whatever the
 * campaign's size, and every section is cut from the same snapshot.
 */
record TrialSkeleton(int number, Integer parent, String specialist, TrialState state, Label label, Double score,
        Instant finishedAt) {

    static final String SELECT = "select new dev.empiric.lineage.TrialSkeleton(t.number, t.parentNumber,"
            + " t.specialist, t.state, t.label, t.score, t.finishedAt) from Trial t";

    /** Finished with an outcome that is the agent's doing; everything else is left out of the view. */
    boolean visible() {
        return state == TrialState.FINISHED && label != null && !label.isInfrastructure();
    }

    boolean kept() {
        return label == Label.BASELINE || label == Label.KEEP;
    }
}
