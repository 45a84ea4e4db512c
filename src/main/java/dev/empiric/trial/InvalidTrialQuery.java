package dev.empiric.trial;

import dev.empiric.DomainException;

/** A trial list request with a filter, sort or page that does not exist. */
public final class InvalidTrialQuery extends DomainException {

    public InvalidTrialQuery(String message) {
        super(Kind.INVALID, message);
    }
}
