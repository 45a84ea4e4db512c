package dev.empiric.trial;

import dev.empiric.DomainException;

public final class UnknownTrial extends DomainException {

    public UnknownTrial(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
