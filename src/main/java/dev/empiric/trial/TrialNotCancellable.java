package dev.empiric.trial;

import dev.empiric.DomainException;

public final class TrialNotCancellable extends DomainException {

    public TrialNotCancellable(String message) {
        super(Kind.CONFLICT, message);
    }
}
