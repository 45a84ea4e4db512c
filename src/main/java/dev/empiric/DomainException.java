package dev.empiric;

/**
 * A request the domain refuses, in the domain's words. Each concrete exception says which kind of
 * refusal it is; only the web layer turns a kind into an HTTP status and a problem body, so services
 * stay usable from background threads (the evaluation queue, the runner), where an HTTP status would
 * mean nothing and could not be retried sensibly.
 */
public abstract class DomainException extends RuntimeException {

    /** What kind of refusal: the request is malformed, names nothing, clashes with the state, ... */
    public enum Kind {
        /** Malformed or incomplete input: fix the request. */
        INVALID,
        /** The request names a campaign, trial or environment that does not exist. */
        NOT_FOUND,
        /** Well-formed, but it cannot be done in the current state (a closed campaign, a finished trial). */
        CONFLICT,
        /** Well-formed, but its content is unusable (an unknown parent, text that is not a diff). */
        UNPROCESSABLE,
        /** Over a size limit. */
        TOO_LARGE,
        /** No credentials, or credentials that are not valid. */
        UNAUTHENTICATED,
        /** Valid credentials that do not allow this. */
        FORBIDDEN,
        /** A limit on work in progress is reached; retry later. */
        BUSY,
        /** A part of the platform (store, disk) failed; nothing is wrong with the request. */
        UNAVAILABLE
    }

    private final Kind kind;

    protected DomainException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    protected DomainException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
