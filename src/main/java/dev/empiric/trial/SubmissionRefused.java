package dev.empiric.trial;

import dev.empiric.DomainException;

/**
 * A submission that never becomes a trial: malformed (missing hypothesis, not JSON-shaped),
 * unusable (an unknown parent, text that is not a diff, an idempotency key reused with another
 * body), or too large. A diff that parses but breaks the rules is different: it does become a trial,
 * labelled ILLEGAL_EDIT or INVALID_PATCH, so that the attempt stays on the record.
 */
public final class SubmissionRefused extends DomainException {

    public SubmissionRefused(Kind kind, String message) {
        super(kind, message);
    }
}
