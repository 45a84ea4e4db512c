package dev.empiric.runner;

/** RUNNING proposes trials; STOPPED was ended through the API; EXHAUSTED ended by itself (see {@link RunnerEnd}). */
public enum RunnerState {
    RUNNING, STOPPED, EXHAUSTED
}
