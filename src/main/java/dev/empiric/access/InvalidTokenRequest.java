package dev.empiric.access;

import dev.empiric.DomainException;

/** A token cannot be created or revoked as asked (a bad name, a past expiry, an unknown token). */
public final class InvalidTokenRequest extends DomainException {

    InvalidTokenRequest(Kind kind, String message) {
        super(kind, message);
    }
}
