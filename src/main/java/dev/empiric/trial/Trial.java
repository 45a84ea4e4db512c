package dev.empiric.trial;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * One trial: a hypothesis and its diff (committed to the campaign's git repository), and the
 * evaluator-owned outcome. Rows are never deleted; a trial that was refused or failed keeps its
 * record and label, so the trajectory stays complete. Every query over trials is named here (those
 * that take a list of trial numbers are built in {@link Trials#numbers}) and run through
 * {@link Trials}, so there is one place to read (and index) them.
 */
@Entity
@NamedQuery(name = Trial.BY_NUMBER, query = "from Trial t where t.campaignId = :campaign and t.number = :number")
@NamedQuery(name = Trial.BY_IDEMPOTENCY_KEY,
        query = "from Trial t where t.campaignId = :campaign and t.idempotencyKey = :key")
@NamedQuery(name = Trial.CLAIMABLE, query = """
        from Trial t where t.state = dev.empiric.trial.TrialState.QUEUED and (t.notBefore is null or t.notBefore <= :now)
        and (t.number = 0 or exists (select c.id from Campaign c where c.id = t.campaignId and c.bestScore is not null))
        order by t.id""")
@NamedQuery(name = Trial.RUNNING_LEASED_BY, query = """
        select t.id, t.campaignId from Trial t where t.state = dev.empiric.trial.TrialState.RUNNING
        and (t.leaseOwner = :owner or t.leaseOwner is null) order by t.id""")
@NamedQuery(name = Trial.LEASE_EXPIRED, query = """
        select t.id, t.campaignId from Trial t where t.state = dev.empiric.trial.TrialState.RUNNING
        and t.leaseUntil < :now order by t.id""")
@NamedQuery(name = Trial.LIVE_LEASES, query = """
        select t.leaseOwner, t.campaignId, t.number from Trial t where t.state = dev.empiric.trial.TrialState.RUNNING
        and t.leaseOwner is not null and t.leaseUntil >= :now""")
@NamedQuery(name = Trial.LEASED_TO, query = """
        select t.id, t.attempts from Trial t where t.id in :ids and t.state = dev.empiric.trial.TrialState.RUNNING
        and t.leaseOwner = :owner""")
@NamedQuery(name = Trial.EXTEND_LEASES, query = """
        update Trial t set t.leaseUntil = :until where t.id in :ids and t.state = dev.empiric.trial.TrialState.RUNNING
        and t.leaseOwner = :owner""")
@NamedQuery(name = Trial.QUEUED_IN_CAMPAIGN, query = """
        select count(t) from Trial t where t.campaignId = :campaign and t.state = dev.empiric.trial.TrialState.QUEUED""")
@NamedQuery(name = Trial.OF_CAMPAIGN_IN_STATE,
        query = "from Trial t where t.campaignId = :campaign and t.state = :state order by t.number")
@NamedQuery(name = Trial.COUNTS, query = """
        select t.state, t.label, count(t) from Trial t where t.campaignId = :campaign group by t.state, t.label""")
@NamedQuery(name = Trial.SKELETONS, query = """
        select new dev.empiric.trial.TrialSkeleton(t.number, t.parentNumber, t.specialist, t.state, t.label, t.score,
        t.finishedAt, t.commitId) from Trial t where t.campaignId = :campaign order by t.number""")
@NamedQuery(name = Trial.SKELETONS_SINCE, query = """
        select new dev.empiric.trial.TrialSkeleton(t.number, t.parentNumber, t.specialist, t.state, t.label, t.score,
        t.finishedAt, t.commitId) from Trial t
        where t.campaignId = :campaign and t.specialist in :specialists and t.submittedAt >= :since order by t.number""")
@NamedQuery(name = Trial.CONFIRMATION_TOTALS, query = """
        select count(t.confirmationSeconds), coalesce(sum(t.confirmationSeconds), 0.0) from Trial t
        where t.campaignId = :campaign""")
@NamedQuery(name = Trial.ROWS_AFTER, query = """
        select new dev.empiric.trial.TrialColumns(t.number, t.parentNumber, t.specialist, t.hypothesis, t.expectedDelta,
        t.diff, t.commitId, t.state, t.label, t.sourceStatus, t.labelReason, t.score, t.scoreStd, t.metrics,
        t.deltaVsBest, t.bestAtJudgement, t.noiseFloor, t.keepThreshold, t.confirmation, t.notes, t.viewHash, t.submittedAt,
        t.startedAt, t.finishedAt, t.recipeSeconds, t.scoringSeconds, t.artifactBytes, t.attempts)
        from Trial t where t.campaignId = :campaign and t.number > :after order by t.number""")
@NamedQuery(name = Trial.KEPT_SCORES, query = """
        select t.number, t.score from Trial t where t.campaignId = :campaign and t.score is not null
        and t.label in (dev.empiric.trial.Label.BASELINE, dev.empiric.trial.Label.KEEP)""")
@NamedQuery(name = Trial.VIEW_HASHES_AFTER, query = """
        select distinct t.viewHash from Trial t where t.campaignId = :campaign and t.viewHash > :after
        order by t.viewHash""")
@NamedQuery(name = Trial.DIFFS_ON_PARENT,
        query = "select t.diff from Trial t where t.campaignId = :campaign and t.parentNumber = :parent")
@NamedQuery(name = Trial.NODES, query = """
        select new dev.empiric.trial.TrialNode(t.number, t.parentNumber, t.specialist, t.state, t.label, t.score,
        t.deltaVsBest) from Trial t where t.campaignId = :campaign order by t.number""")
@NamedQuery(name = Trial.OUTCOMES_BY_SPECIALIST, query = """
        select t.specialist, t.state, t.label, count(t) from Trial t where t.campaignId = :campaign
        group by t.specialist, t.state, t.label""")
@NamedQuery(name = Trial.IN_FLIGHT, query = """
        from Trial t where t.campaignId = :campaign and t.state in (dev.empiric.trial.TrialState.QUEUED,
        dev.empiric.trial.TrialState.RUNNING)
        order by case when t.state = dev.empiric.trial.TrialState.RUNNING then 0 else 1 end, t.id""")
@NamedQuery(name = Trial.WITHOUT_WORDS, query = """
        select t.id, t.campaignId, t.number, t.hypothesis from Trial t
        where t.id > :after and not exists (select w.word from TrialWord w where w.trialId = t.id) order by t.id""")
public class Trial extends PanacheEntityBase {

    static final String BY_NUMBER = "Trial.byNumber";
    static final String BY_IDEMPOTENCY_KEY = "Trial.byIdempotencyKey";
    static final String CLAIMABLE = "Trial.claimable";
    static final String RUNNING_LEASED_BY = "Trial.runningLeasedBy";
    static final String LEASE_EXPIRED = "Trial.leaseExpired";
    static final String LIVE_LEASES = "Trial.liveLeases";
    static final String LEASED_TO = "Trial.leasedTo";
    static final String EXTEND_LEASES = "Trial.extendLeases";
    static final String QUEUED_IN_CAMPAIGN = "Trial.queuedInCampaign";
    static final String OF_CAMPAIGN_IN_STATE = "Trial.ofCampaignInState";
    static final String COUNTS = "Trial.counts";
    static final String SKELETONS = "Trial.skeletons";
    static final String SKELETONS_SINCE = "Trial.skeletonsSince";
    static final String DIFFS_ON_PARENT = "Trial.diffsOnParent";
    static final String NODES = "Trial.nodes";
    static final String OUTCOMES_BY_SPECIALIST = "Trial.outcomesBySpecialist";
    static final String IN_FLIGHT = "Trial.inFlight";
    static final String WITHOUT_WORDS = "Trial.withoutWords";
    static final String CONFIRMATION_TOTALS = "Trial.confirmationTotals";
    static final String ROWS_AFTER = "Trial.rowsAfter";
    static final String KEPT_SCORES = "Trial.keptScores";
    static final String VIEW_HASHES_AFTER = "Trial.viewHashesAfter";

    /** Who may be named as a trial's specialist: also the shape the lineage view accepts. */
    public static final String SPECIALIST_NAME = "[A-Za-z0-9_.:-]{1,100}";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "campaign_id", nullable = false)
    public Long campaignId;

    /** Per-campaign sequence; 0 is the baseline. */
    public int number;

    @Column(name = "parent_number")
    public Integer parentNumber;

    public String specialist;
    public String hypothesis;

    @Column(name = "expected_delta")
    public Double expectedDelta;

    /** The diff exactly as submitted (the commit holds what was applied); loaded only when read. */
    @Basic(fetch = FetchType.LAZY)
    public String diff;

    @Column(name = "commit_id")
    public String commitId;

    @Enumerated(EnumType.STRING)
    public TrialState state;

    @Enumerated(EnumType.STRING)
    public Label label;

    /** For a trial of an imported run: its status exactly as the original harness wrote it. */
    @Column(name = "source_status")
    public String sourceStatus;

    /** The sentence that explains the label (the keep rule's judgement, the failure, the refusal). */
    @Column(name = "label_reason")
    public String labelReason;

    public Double score;

    @Column(name = "score_std")
    public Double scoreStd;

    /** JSON object of metric name to value (means over seeds, spreads, harness metrics). */
    public String metrics;

    @Column(name = "delta_vs_best")
    public Double deltaVsBest;

    /** The incumbent this trial was judged against. */
    @Column(name = "best_at_judgement")
    public Integer bestAtJudgement;

    /** The campaign's noise floor and keep threshold when this trial was judged. */
    @Column(name = "noise_floor")
    public Double noiseFloor;

    @Column(name = "keep_threshold")
    public Double keepThreshold;

    public String notes;

    /** The {@link Confirmation} of this trial's gain on fresh seed sets, as JSON; null when none was needed. */
    public String confirmation;

    /** Evaluator wallclock spent on this trial's confirmation rounds (both recipes), over all attempts. */
    @Column(name = "confirmation_seconds")
    public Double confirmationSeconds;

    /** The lineage state a runner's specialist saw when it proposed this trial (run, best, trial counts). */
    @Column(name = "proposed_from")
    public String proposedFrom;

    /** SHA-256 of what the proposer was shown (a {@code proposer_view} row), for "what did the agent know". */
    @Column(name = "view_hash")
    public String viewHash;

    @Column(name = "submitted_at")
    public Instant submittedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** A retried trial waits until then before it is picked up again. */
    @Column(name = "not_before")
    public Instant notBefore;

    @Column(name = "recipe_seconds")
    public Double recipeSeconds;

    @Column(name = "scoring_seconds")
    public Double scoringSeconds;

    @Column(name = "artifact_bytes")
    public Long artifactBytes;

    public int attempts;

    /** The server evaluating the trial's current attempt (its instance id), while it is RUNNING. */
    @Column(name = "lease_owner")
    public String leaseOwner;

    /** Until when that server's claim holds; it renews it while it works, and past it any server re-queues the trial. */
    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Version
    public long version;

    public void appendNote(String note) {
        notes = notes == null || notes.isBlank() ? note : notes + "\n" + note;
    }

    public boolean settled() {
        return state == TrialState.FINISHED || state == TrialState.CANCELLED;
    }
}
