package dev.empiric;

/** A request that needs an API token came without one, or with one that is not (or no longer) valid. */
public final class NotAuthenticated extends DomainException {

    public NotAuthenticated(String message) {
        super(Kind.UNAUTHENTICATED, message);
    }

    public static NotAuthenticated missing() {
        return new NotAuthenticated("this request needs an API token: send 'Authorization: Bearer <token>' (the"
                + " admin token is the file admin-token in the server's data directory; an admin creates campaign"
                + " tokens with POST /api/campaigns/{id}/tokens)");
    }
}
