package dev.empiric;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * Who is making the current HTTP request, and the one question every writing endpoint asks before it
 * writes: may this caller write to that campaign? The access layer ({@code dev.empiric.access}) fills
 * the identity in from the request's API token; resources on every floor ask here, which is why this
 * sits on the lowest floor while the tokens themselves live high up.
 *
 * <p>An endpoint gets the name it records as the actor of its write (the event log's {@code actor})
 * only from {@link #actorFor(long)} or {@link #adminActor()}, so no write can be recorded without the
 * check having been made.
 */
@RequestScoped
public class Caller {

    /**
     * A verified token's holder: the name the audit trail records, and the one campaign the token is
     * limited to ({@code null} for the admin token, which may write everywhere).
     */
    public record Identity(String name, Long campaignId) {

        public boolean admin() {
            return campaignId == null;
        }

        /** Whether this holder may write to the campaign. */
        public boolean mayWrite(long campaign) {
            return admin() || campaignId == campaign;
        }
    }

    private volatile Identity identity;

    /** Records who the request's token belongs to; called once per request by the access filter. */
    public void authenticated(Identity identity) {
        this.identity = identity;
    }

    /** The verified caller, or empty for a request without a token (a public read). */
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /** The caller's name for the event log of a write to {@code campaignId}; refused unless its token allows it. */
    public String actorFor(long campaignId) {
        Identity who = required();
        if (!who.mayWrite(campaignId)) {
            throw new NotAllowed("the token '" + who.name() + "' may write only to campaign " + who.campaignId()
                    + ", not to campaign " + campaignId);
        }
        return who.name();
    }

    /** The caller's name for a write that only the admin token may make (opening campaigns, managing tokens). */
    public String adminActor() {
        Identity who = required();
        if (!who.admin()) {
            throw NotAllowed.adminOnly(who);
        }
        return who.name();
    }

    private Identity required() {
        Identity who = identity;
        if (who == null) {
            throw NotAuthenticated.missing();
        }
        return who;
    }
}
