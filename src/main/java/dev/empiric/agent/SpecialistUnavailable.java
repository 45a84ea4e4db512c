package dev.empiric.agent;

import dev.empiric.DomainException;

/** A configured specialist cannot be built on this server (say, its API key's variable is not set). */
public final class SpecialistUnavailable extends DomainException {

    public SpecialistUnavailable(String message) {
        super(Kind.UNPROCESSABLE, message);
    }
}
