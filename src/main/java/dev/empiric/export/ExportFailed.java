package dev.empiric.export;

import dev.empiric.DomainException;

/**
 * The campaign's stored record cannot be exported as it is: its event log does not chain, or a view
 * a trial names is missing or altered. An export never signs such a record; the message says what
 * is broken, which is the operator's to repair or to report.
 */
public final class ExportFailed extends DomainException {

    public ExportFailed(long campaignId, RuntimeException cause) {
        super(Kind.CONFLICT, "campaign " + campaignId + " cannot be exported: " + cause.getMessage(), cause);
    }
}
