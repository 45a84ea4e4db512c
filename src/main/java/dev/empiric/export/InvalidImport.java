package dev.empiric.export;

import dev.empiric.DomainException;

/** An import or verification request that cannot be read: no format, an unknown one, a body that is not the format's. */
public final class InvalidImport extends DomainException {

    public InvalidImport(Kind kind, String message) {
        super(kind, message);
    }
}
