package dev.empiric.web;

import dev.empiric.DomainException;

/** A Last-Event-ID that cannot be the id of an event. */
final class InvalidLastEventId extends DomainException {

    InvalidLastEventId(String given) {
        super(Kind.INVALID, "Last-Event-ID must be the id of an event (a whole number, 0 or more), not '" + given + "'");
    }
}
