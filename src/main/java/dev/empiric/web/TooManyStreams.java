package dev.empiric.web;

import dev.empiric.DomainException;

/** The server already feeds as many live streams as it allows; the client should retry later. */
final class TooManyStreams extends DomainException {

    TooManyStreams(int limit) {
        super(Kind.BUSY, "this server already serves " + limit + " live event streams; retry later");
    }
}
