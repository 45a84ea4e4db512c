package dev.empiric.web;

import dev.empiric.lineage.CampaignService.CampaignView;
import dev.empiric.runner.RunnerView;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The aggregates behind a campaign's dashboard that no other endpoint returns in one call: how each
 * specialist's trials ended, what is queued or running now with the time budget each attempt has, the
 * latest proposal and the runner. The score chart's points come from the campaign's tree.
 *
 * @param runner the latest runner, or null when the campaign never had one
 * @param lastProposal the most recently submitted trial other than the baseline, or null
 * @param queue running trials first, then queued ones in the order they will run (at most {@link #QUEUE_LIMIT})
 * @param queueTotal how many trials are queued or running in all
 * @param lastActivity when the newest event of the campaign's log happened
 * @param lastEventId the id of that event: a client that follows the campaign's event stream from here
 *     misses nothing that happened after this dashboard was read
 */
public record CampaignDashboard(CampaignView campaign, RunnerView runner, LastProposal lastProposal,
        List<SpecialistOutcomes> specialists, List<QueuedTrial> queue, long queueTotal, AttemptBudget budget,
        Instant lastActivity, Long lastEventId) {

    public static final int QUEUE_LIMIT = 50;

    /** One specialist's trials by outcome, and how many are still queued or running. */
    public record SpecialistOutcomes(String specialist, long trials, long inFlight, Map<Label, Long> labels) {}

    /** A trial waiting for or holding an evaluator. */
    public record QueuedTrial(long id, int number, String specialist, TrialState state, String hypothesis,
            Instant submittedAt, Instant startedAt, int attempts) {}

    /** The newest trial a proposer submitted: which specialist had the turn, and from what lineage state. */
    public record LastProposal(int number, String specialist, Instant submittedAt, String proposedFrom) {}

    /**
     * The wallclock one attempt may take, from the campaign's effective budgets: every seed's recipe
     * run plus its scoring run (the baseline runs {@code baselineRepeats} times as many).
     */
    public record AttemptBudget(int recipeSeconds, int scoringSeconds, int seeds, int attemptSeconds) {}
}
