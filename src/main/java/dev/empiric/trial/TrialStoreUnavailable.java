package dev.empiric.trial;

import dev.empiric.DomainException;

/**
 * The git trial store failed (a full disk, a corrupted repository): the platform's fault, never the
 * agent's. A submission that hits it is recorded as INFRA_ERROR and can simply be sent again.
 */
public final class TrialStoreUnavailable extends DomainException {

    public TrialStoreUnavailable(String message, Throwable cause) {
        super(Kind.UNAVAILABLE, message, cause);
    }
}
