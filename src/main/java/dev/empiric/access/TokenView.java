package dev.empiric.access;

import java.time.Instant;

/** A campaign token as listed: everything but its secret. */
public record TokenView(long id, long campaignId, String name, State state, Instant createdAt, String createdBy,
        Instant expiresAt, Instant revokedAt, String revokedBy) {

    /** Whether the token works now. */
    public enum State {
        ACTIVE,
        EXPIRED,
        REVOKED
    }

    static TokenView of(ApiToken token, Instant now) {
        State state = token.revokedAt != null ? State.REVOKED : token.expired(now) ? State.EXPIRED : State.ACTIVE;
        return new TokenView(token.id, token.campaignId, token.name, state, token.createdAt, token.createdBy,
                token.expiresAt, token.revokedAt, token.revokedBy);
    }
}
