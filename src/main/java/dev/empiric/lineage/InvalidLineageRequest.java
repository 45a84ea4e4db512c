package dev.empiric.lineage;

import dev.empiric.DomainException;

/** A lineage view asked for with options that do not exist (a negative count, an unknown format). */
public final class InvalidLineageRequest extends DomainException {

    public InvalidLineageRequest(String message) {
        super(Kind.INVALID, message);
    }
}
