package dev.empiric.campaign;

/**
 * Everything that happens to a campaign and is worth an auditor's or a live page's attention. The
 * wire name ({@code trial.finished}) is what the event log, the SSE stream and the export carry.
 */
public enum EventType {
    CAMPAIGN_CREATED("campaign.created"),
    /** The baseline could not be measured: the campaign takes no more trials (FAILED). */
    CAMPAIGN_FAILED("campaign.failed"),
    /** An imported campaign's trials were read from another harness's results file (IMPORTED). */
    CAMPAIGN_IMPORTED("campaign.imported"),
    /** A diff was accepted, committed and queued. */
    TRIAL_SUBMITTED("trial.submitted"),
    /** A diff was refused at submission (ILLEGAL_EDIT, INVALID_PATCH, or the store failed); it has a record but no run. */
    TRIAL_REJECTED("trial.rejected"),
    /** A worker claimed the trial and began an attempt (claiming and starting are one step). */
    TRIAL_STARTED("trial.started"),
    /** An attempt failed for reasons outside the recipe; the trial is queued again (or ends, out of attempts). */
    TRIAL_ATTEMPT_FAILED("trial.attempt_failed"),
    /** A scored trial's gain is being confirmed on fresh seed sets, against the named incumbent. */
    TRIAL_CONFIRMING("trial.confirming"),
    /** One confirmation round ran: its seeds, both recipes' scores, the gain, the decision so far. */
    TRIAL_CONFIRMATION_ROUND("trial.confirmation_round"),
    TRIAL_FINISHED("trial.finished"),
    TRIAL_CANCELLED("trial.cancelled"),
    /** The incumbent changed (a KEEP, or the baseline measured). */
    BEST_CHANGED("best.changed"),
    RUNNER_STARTED("runner.started"),
    RUNNER_STOPPED("runner.stopped"),
    RUNNER_ENDED("runner.ended"),
    /** A specialist tried to propose and could not (no trial was created). */
    PROPOSAL_FAILED("proposal.failed"),
    /** An admin issued an API token for the campaign (its name and expiry; never the token). */
    TOKEN_CREATED("token.created"),
    TOKEN_REVOKED("token.revoked");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
