package dev.empiric.trial;

/** Where a trial is in its life. Only FINISHED trials carry an outcome label. */
public enum TrialState {
    QUEUED, RUNNING, FINISHED, CANCELLED
}
