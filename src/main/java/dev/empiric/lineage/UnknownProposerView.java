package dev.empiric.lineage;

import dev.empiric.DomainException;

/** No proposer view is stored under this hash. */
public final class UnknownProposerView extends DomainException {

    public UnknownProposerView(String hash) {
        super(Kind.NOT_FOUND, "no proposer view with hash '" + (hash.length() <= 64 ? hash : hash.substring(0, 64) + "…")
                + "' (a trial's viewHash: 64 hex digits)");
    }
}
