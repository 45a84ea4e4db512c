package dev.empiric.trial;

import java.time.Instant;

/**
 * The few narrow columns of a trial that place it in a lineage: number, parent, who proposed it,
 * where it is, how it ended, its commit. A whole campaign's skeletons come from one query that never
 * touches the text columns (hypothesis, diff, notes), so views and specialists can look at every
 * trial of a long campaign cheaply and then load the few they show.
 */
public record TrialSkeleton(int number, Integer parent, String specialist, TrialState state, Label label,
        Double score, Instant finishedAt, String commitId) {

    /** Finished with an outcome that is the agent's doing; infrastructure failures say nothing about an edit. */
    public boolean visible() {
        return state == TrialState.FINISHED && label != null && !label.isInfrastructure();
    }

    public boolean kept() {
        return label == Label.BASELINE || label == Label.KEEP;
    }

    public boolean settled() {
        return state == TrialState.FINISHED || state == TrialState.CANCELLED;
    }
}
