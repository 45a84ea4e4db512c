package dev.empiric.runner;

import dev.empiric.DomainException;

/** A runner request with a missing or impossible budget, or specialists the campaign does not offer. */
public final class InvalidRunnerRequest extends DomainException {

    public InvalidRunnerRequest(String message) {
        super(Kind.INVALID, message);
    }
}
