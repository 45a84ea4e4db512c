package dev.empiric;

/** A valid API token that does not allow this write (another campaign's, or one only the admin may make). */
public final class NotAllowed extends DomainException {

    public NotAllowed(String message) {
        super(Kind.FORBIDDEN, message);
    }

    public static NotAllowed adminOnly(Caller.Identity who) {
        return new NotAllowed("the token '" + who.name() + "' of campaign " + who.campaignId() + " may only submit"
                + " and cancel that campaign's trials and start or stop its runner; this request needs the admin token");
    }
}
