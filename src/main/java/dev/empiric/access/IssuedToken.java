package dev.empiric.access;

import java.time.Instant;

/** A token just created: the only response that ever carries its secret text. */
public record IssuedToken(long id, long campaignId, String name, Instant createdAt, Instant expiresAt, String token) {}
