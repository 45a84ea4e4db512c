package dev.empiric.runner;

import dev.empiric.DomainException;

/** The runner cannot do that now: one already runs, none runs, or none ever ran. */
public final class RunnerConflict extends DomainException {

    public RunnerConflict(Kind kind, String message) {
        super(kind, message);
    }
}
