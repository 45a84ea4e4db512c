package dev.empiric.trial;

import static dev.empiric.campaign.EventLog.payload;

import dev.empiric.DomainException.Kind;
import dev.empiric.EmpiricConfig;
import dev.empiric.Json;
import dev.empiric.Sha256;
import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignClosed;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.Measurement.Failed;
import dev.empiric.trial.Measurement.InfrastructureFailed;
import dev.empiric.trial.Measurement.Scored;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.jgit.patch.Patch;
import org.jboss.logging.Logger;

/**
 * The life of a trial in the store: submission (checked, committed, queued), claim by a worker, the
 * recorded outcome, cancellation and recovery after a restart. Every change happens under the
 * campaign's row lock and is appended to the campaign's event log in the same transaction, so
 * trial numbers, the incumbent, the git refs and the audit trail never race or disagree.
 */
@ApplicationScoped
public class TrialService {

    private static final Logger LOG = Logger.getLogger(TrialService.class);
    private static final int MAX_HYPOTHESIS_CHARS = 20_000;
    /** How many queued trials one claim looks at before giving up, so a bad one never blocks the rest. */
    private static final int CLAIM_CANDIDATES = 8;
    public static final String SERVER = "server";

    private final EnvironmentCatalog catalog;
    private final GitTrialStore store;
    private final Trials trials;
    private final EventLog events;
    private final EmpiricConfig config;
    private final MeterRegistry meters;
    private final TrialWords words;

    TrialService(EnvironmentCatalog catalog, GitTrialStore store, Trials trials, EventLog events, EmpiricConfig config,
            MeterRegistry meters, TrialWords words) {
        this.catalog = catalog;
        this.store = store;
        this.trials = trials;
        this.events = events;
        this.config = config;
        this.meters = meters;
        this.words = words;
    }

    /** The trial as recorded, and whether it was recorded by an earlier request with the same key. */
    public record Submitted(TrialView trial, boolean replayed) {}

    /**
     * Records a proposed trial. A malformed request is refused ({@link SubmissionRefused}); a diff
     * that breaks the rules becomes a FINISHED trial labelled ILLEGAL_EDIT or INVALID_PATCH; a store
     * failure becomes a FINISHED trial labelled INFRA_ERROR (without the idempotency key, so the same
     * request can be sent again); anything else is committed and QUEUED.
     *
     * @param actor who submits, for the event log (an API token's name, {@code runner:<id>})
     */
    @Transactional
    public Submitted submit(long campaignId, TrialSubmission submission, String idempotencyKey, String actor) {
        validate(submission, idempotencyKey);
        Campaign campaign = Campaign.lock(campaignId);
        String requestHash = Sha256.hex(Json.write(submission));
        if (idempotencyKey != null) {
            Optional<Trial> earlier = trials.byIdempotencyKey(campaignId, idempotencyKey);
            if (earlier.isPresent()) {
                if (!earlier.get().requestHash.equals(requestHash)) {
                    throw new SubmissionRefused(Kind.UNPROCESSABLE, "Idempotency-Key '" + idempotencyKey
                            + "' was used before with a different body (trial " + earlier.get().number + ")");
                }
                return new Submitted(TrialView.of(earlier.get()), true);
            }
        }
        if (campaign.status != CampaignStatus.ACTIVE) {
            throw new CampaignClosed(campaign);
        }
        long queued = trials.queued(campaignId);
        if (queued >= config.trial().maxQueued()) {
            throw new SubmissionRefused(Kind.BUSY, "campaign " + campaignId + " already has " + queued
                    + " trials waiting to be evaluated (the limit is " + config.trial().maxQueued()
                    + "); send this one again later");
        }
        int parentNumber = submission.parent() != null ? submission.parent() : campaign.bestNumber;
        Trial parent = trials.byNumber(campaignId, parentNumber).orElseThrow(() -> new SubmissionRefused(
                Kind.UNPROCESSABLE, "campaign " + campaignId + " has no trial " + parentNumber + " to use as parent"));
        if (parent.commitId == null) {
            throw new SubmissionRefused(Kind.UNPROCESSABLE, "trial " + parentNumber + " was " + parent.label
                    + " and has no commit; choose another parent");
        }
        Environment environment = catalog.find(campaign.environment).orElseThrow(() -> new SubmissionRefused(
                Kind.CONFLICT, "campaign " + campaignId + " uses environment '" + campaign.environment
                        + "', which is missing or broken on this server (GET /api/environments says why)"));
        Patch patch = GitTrialStore.parse(submission.diff());
        if (patch.getFiles().isEmpty()) {
            throw new SubmissionRefused(Kind.UNPROCESSABLE, "the diff holds no file changes; send a unified diff"
                    + " (as from 'git diff') with paths relative to the recipe root");
        }

        Trial trial = new Trial();
        trial.campaignId = campaignId;
        trial.number = campaign.nextNumber++;
        trial.parentNumber = parentNumber;
        trial.specialist = submission.specialist() == null ? "external" : submission.specialist();
        trial.hypothesis = submission.hypothesis().strip();
        trial.expectedDelta = submission.expectedDelta();
        trial.diff = submission.diff();
        trial.submittedAt = Instant.now();
        trial.idempotencyKey = idempotencyKey;
        trial.requestHash = requestHash;
        try {
            DiffPolicy.of(environment.spec()).check(patch);
            if (!patch.getErrors().isEmpty()) {
                throw new EditRejected(Label.INVALID_PATCH, "the diff is malformed: "
                        + patch.getErrors().stream().map(Object::toString).limit(3).toList());
            }
            trial.commitId = store.commitTrial(campaignId, parent.commitId, patch, trial.number, trial.specialist,
                    commitMessage(trial));
            trial.state = TrialState.QUEUED;
        } catch (EditRejected rejected) {
            refuse(trial, rejected.label(), rejected.getMessage());
        } catch (TrialStoreUnavailable failure) {
            LOG.errorf(failure, "campaign %d: the trial store failed on trial %d", campaignId, trial.number);
            trial.idempotencyKey = null;
            refuse(trial, Label.INFRA_ERROR, failure.getMessage() + "; nothing is wrong with the diff: submit it again");
        }
        trial.persist();
        words.index(trial);
        meters.counter("empiric.trials.submitted").increment();
        events.append(campaignId, trial.state == TrialState.QUEUED ? EventType.TRIAL_SUBMITTED : EventType.TRIAL_REJECTED,
                trial.number, actor, payload("specialist", trial.specialist, "parent", trial.parentNumber,
                        "diffSha256", Sha256.hex(trial.diff), "commit", trial.commitId, "label", trial.label,
                        "reason", trial.labelReason));
        return new Submitted(TrialView.of(trial), false);
    }

    /** Records trial 0 of a new campaign: the starting recipe, queued for measurement. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Trial recordBaseline(Campaign campaign, String commit, String actor) {
        Trial baseline = new Trial();
        baseline.campaignId = campaign.id;
        baseline.number = 0;
        baseline.specialist = "baseline";
        baseline.hypothesis = "the starting recipe of environment " + campaign.environment;
        baseline.diff = "";
        baseline.commitId = commit;
        baseline.state = TrialState.QUEUED;
        baseline.submittedAt = Instant.now();
        baseline.persist();
        words.index(baseline);
        events.append(campaign.id, EventType.TRIAL_SUBMITTED, 0, actor,
                payload("specialist", baseline.specialist, "commit", commit));
        return baseline;
    }

    /**
     * Records one trial of an imported run as its harness ended it: FINISHED, with the label its
     * status maps to (null when the status could not be read), no commit and no run here. The
     * campaign's {@code campaign.imported} event covers the whole file, so a trial adds none.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordImported(Campaign campaign, Trial trial) {
        if (campaign.status != CampaignStatus.IMPORTED || !campaign.id.equals(trial.campaignId)) {
            throw new IllegalStateException("trial " + trial.number + " is not for imported campaign " + campaign.id);
        }
        trial.state = TrialState.FINISHED;
        trial.commitId = null;
        trial.diff = trial.diff == null ? "" : trial.diff;
        trial.persist();
    }

    /**
     * Takes the oldest runnable trial for the server {@code owner} and marks it RUNNING under that
     * server's lease until {@code leaseUntil}. The queued rows are locked as they are read, skipping
     * rows that another server is claiming ({@link Trials#lockClaimable}), so two servers never take
     * the same trial. A trial that cannot be started (its campaign's environment vanished) costs an
     * attempt and is skipped, so it is labelled in the end and never blocks the other campaigns'
     * queues. A queued trial's row is locked before its campaign's: whatever changes a claimable
     * trial under its campaign's lock (as {@link #cancel} does) must lock the trial first.
     */
    @Transactional
    public Optional<EvaluationJob> claimNext(String owner, Instant leaseUntil) {
        for (Trial trial : trials.lockClaimable(Instant.now(), CLAIM_CANDIDATES)) {
            Campaign campaign = Campaign.lock(trial.campaignId);
            trial.state = TrialState.RUNNING;
            trial.startedAt = Instant.now();
            trial.attempts++;
            trial.leaseOwner = owner;
            trial.leaseUntil = leaseUntil;
            Optional<Environment> environment = catalog.find(campaign.environment);
            if (environment.isEmpty()) {
                failAttempt(campaign, trial, "environment '" + campaign.environment
                        + "' is missing or broken on this server");
                continue;
            }
            if (!environment.get().contentHash().equals(campaign.environmentHash)) {
                trial.appendNote("attempt " + trial.attempts + ": environment " + campaign.environment
                        + " changed since the campaign started (now " + environment.get().contentHash().substring(0, 12)
                        + ")");
            }
            events.append(campaign.id, EventType.TRIAL_STARTED, trial.number, SERVER,
                    payload("attempt", trial.attempts, "server", owner));
            return Optional.of(new EvaluationJob(trial.id, trial.campaignId, trial.number, trial.attempts,
                    trial.commitId, environment.get(), Budgets.of(environment.get().spec(), campaign.parsedSettings())));
        }
        return Optional.empty();
    }

    /**
     * Renews {@code owner}'s leases on the attempts it is evaluating (trial id to attempt) until
     * {@code until}, and says which of them it must stop: cancelled (possibly through another server),
     * finished, or re-queued by another server because this one's lease ran out. The worker kills
     * those attempts' containers; their outcomes would be ignored anyway.
     */
    @Transactional
    public Set<Long> renewLeases(String owner, Map<Long, Integer> evaluating, Instant until) {
        Map<Long, Integer> leased = trials.leasedTo(owner, evaluating.keySet());
        Set<Long> stop = new HashSet<>();
        evaluating.forEach((id, attempt) -> {
            if (!attempt.equals(leased.get(id))) {
                stop.add(id);
            }
        });
        trials.extendLeases(owner, leased.keySet(), until);
        return stop;
    }

    /**
     * Records an attempt's outcome; KEEP or DISCARD is decided here, against the incumbent. A scored
     * trial whose gain must first be confirmed on fresh seed sets stays RUNNING, and the first round to
     * run is returned: the worker runs it and reports it to {@link #recordConfirmationRound}.
     */
    @Transactional
    public Optional<ConfirmationJob> complete(EvaluationJob job, Measurement measurement) {
        Campaign campaign = Campaign.lock(job.campaignId());
        Trial trial = trials.require(job.trialId());
        if (!isCurrent(trial, job.attempt())) {
            LOG.infof("ignoring the outcome of trial %d attempt %d: it is now %s", trial.id, job.attempt(), trial.state);
            return Optional.empty();
        }
        measurement.notes().forEach(trial::appendNote);
        String lastNote = measurement.notes().isEmpty() ? null : measurement.notes().getLast();
        switch (measurement.verdict()) {
            case InfrastructureFailed ignored -> failAttempt(campaign, trial, lastNote);
            case Failed failed -> {
                record(trial, measurement, campaign);
                trial.confirmation = null; // an earlier, interrupted attempt's confirmation no longer applies
                finish(campaign, trial, failed.label(), lastNote);
                if (job.isBaseline()) {
                    failCampaign(campaign, trial);
                }
            }
            case Scored ignored -> {
                record(trial, measurement, campaign);
                trial.confirmation = null; // an earlier, interrupted attempt's confirmation is re-run from the start
                if (!job.isBaseline()) {
                    return judge(job, campaign, trial);
                }
                campaign.bestNumber = 0;
                campaign.bestScore = trial.score;
                campaign.baselineScore = trial.score;
                addNoiseEvidence(campaign, job.budgets(), 0, measurement.seedSets());
                trial.noiseFloor = campaign.noiseFloor;
                trial.keepThreshold = job.budgets().keepThreshold(campaign.noiseFloor);
                finish(campaign, trial, Label.BASELINE, "the starting recipe, measured"
                        + (campaign.noiseFloor == null ? "" : "; noise floor " + campaign.noiseFloor));
                events.append(campaign.id, EventType.BEST_CHANGED, 0, SERVER, payload("score", trial.score,
                        "noiseFloor", campaign.noiseFloor));
            }
        }
        return Optional.empty();
    }

    /**
     * Records one confirmation round and decides what follows: the next round, KEEP or DISCARD. When
     * another trial became the best while the round ran, the confirmation stops and the trial is judged
     * again against the new best (which may start a confirmation against it). A round of an attempt
     * that is no longer current (cancelled, re-queued) is ignored.
     */
    @Transactional
    public Optional<ConfirmationJob> recordConfirmationRound(ConfirmationJob planned, ConfirmationRound round) {
        EvaluationJob job = planned.job();
        Campaign campaign = Campaign.lock(job.campaignId());
        Trial trial = trials.require(job.trialId());
        Confirmation confirmation = Confirmation.read(trial.confirmation);
        if (!isCurrent(trial, job.attempt()) || confirmation == null || confirmation.decided()
                || confirmation.incumbent() != planned.incumbent() || confirmation.nextRound() != round.round()) {
            LOG.infof("ignoring confirmation round %d of trial %d attempt %d: it is now %s", round.round(), trial.id,
                    job.attempt(), trial.state);
            return Optional.empty();
        }
        Confirmation updated = confirmation.record(round);
        trial.confirmation = Json.write(updated);
        trial.confirmationSeconds = (trial.confirmationSeconds == null ? 0 : trial.confirmationSeconds) + round.seconds();
        trial.appendNote(updated.roundNote(round));
        if (round.incumbent().hasScore()) {
            addNoiseEvidence(campaign, job.budgets(), planned.incumbent(),
                    List.of(new SeedSetScore(round.seeds(), round.incumbent().score())));
        }
        events.append(campaign.id, EventType.TRIAL_CONFIRMATION_ROUND, trial.number, SERVER, payload("round",
                round.round(), "against", planned.incumbent(), "seeds", round.seeds(), "candidate", round.candidate(),
                "incumbent", round.incumbent(), "gain", round.gain(updated.goal()), "seconds", round.seconds(),
                "outcome", updated.outcome(), "pValue", updated.test() == null ? null : updated.test().pValue()));
        if (!Integer.valueOf(planned.incumbent()).equals(campaign.bestNumber)) {
            trial.confirmation = Json.write(updated.superseded(campaign.bestNumber));
            trial.appendNote("#" + campaign.bestNumber + " became the best during the confirmation against #"
                    + planned.incumbent() + "; judged again against it");
            return judge(job, campaign, trial);
        }
        if (!updated.decided()) {
            return Optional.of(nextRound(job, campaign, trial, updated, planned.incumbentCommit()));
        }
        trial.appendNote(updated.summary());
        if (updated.outcome() == Confirmation.Outcome.CONFIRMED) {
            List<SeedSetScore> seedSets = new ArrayList<>(List.of(ownSeedSet(job, trial)));
            seedSets.addAll(updated.candidateSeedSets());
            keep(campaign, trial, job.budgets(), updated.reason(), seedSets);
        } else {
            finish(campaign, trial, Label.DISCARD, updated.reason());
        }
        return Optional.empty();
    }

    /**
     * Judges a scored trial against the incumbent of this moment ({@link KeepRule}): KEEP or DISCARD
     * at once, or a confirmation whose first round is returned.
     */
    private Optional<ConfirmationJob> judge(EvaluationJob job, Campaign campaign, Trial trial) {
        Budgets budgets = job.budgets();
        Goal goal = job.environment().spec().metric().goal();
        trial.deltaVsBest = trial.score - campaign.bestScore;
        trial.bestAtJudgement = campaign.bestNumber;
        trial.noiseFloor = campaign.noiseFloor;
        trial.keepThreshold = budgets.keepThreshold(campaign.noiseFloor);
        KeepRule.Judgement judgement = KeepRule.judge(goal, trial.score, campaign.bestScore, trial.keepThreshold,
                budgets.minDelta(), budgets.confirms());
        switch (judgement.outcome()) {
            case KEEP -> {
                trial.appendNote(judgement.note());
                keep(campaign, trial, budgets, judgement.note(), List.of(ownSeedSet(job, trial)));
            }
            case DISCARD -> {
                trial.appendNote(judgement.note());
                finish(campaign, trial, Label.DISCARD, judgement.note());
            }
            default -> {
                Trial incumbent = trials.requireByNumber(campaign.id, campaign.bestNumber);
                Confirmation confirmation = Confirmation.start(job.attempt(), incumbent.number,
                        judgement.outcome().tier(), goal, trial.score, campaign.bestScore, trial.keepThreshold,
                        budgets.minDelta(), budgets.confirmSeedSets(), budgets.alpha());
                trial.confirmation = Json.write(confirmation);
                trial.appendNote(confirmation.trigger() + ": confirming on up to " + budgets.confirmSeedSets()
                        + " fresh seed sets, paired with the incumbent");
                events.append(campaign.id, EventType.TRIAL_CONFIRMING, trial.number, SERVER, payload("against",
                        incumbent.number, "tier", confirmation.tier(), "gain", confirmation.gain(), "threshold",
                        confirmation.threshold(), "noiseFloor", campaign.noiseFloor, "seedSets",
                        confirmation.seedSets(), "alpha", confirmation.alpha()));
                return Optional.of(nextRound(job, campaign, trial, confirmation, incumbent.commitId));
            }
        }
        return Optional.empty();
    }

    private ConfirmationJob nextRound(EvaluationJob job, Campaign campaign, Trial trial, Confirmation confirmation,
            String incumbentCommit) {
        int round = confirmation.nextRound();
        return new ConfirmationJob(job, confirmation.incumbent(), incumbentCommit, round, SeedSets.confirmation(
                campaign.id, trial.number, confirmation.incumbent(), round, job.environment().spec().seeds(),
                job.budgets().baselineRepeats()));
    }

    /** The trial becomes the best; its seed-set scores start its own noise estimate. */
    private void keep(Campaign campaign, Trial trial, Budgets budgets, String reason, List<SeedSetScore> seedSets) {
        finish(campaign, trial, Label.KEEP, reason);
        Integer previous = campaign.bestNumber;
        campaign.bestNumber = trial.number;
        campaign.bestScore = trial.score;
        store.markBest(campaign.id, trial.commitId);
        addNoiseEvidence(campaign, budgets, trial.number, seedSets);
        events.append(campaign.id, EventType.BEST_CHANGED, trial.number, SERVER,
                payload("previous", previous, "score", trial.score, "noiseFloor", campaign.noiseFloor));
    }

    private static SeedSetScore ownSeedSet(EvaluationJob job, Trial trial) {
        return new SeedSetScore(job.environment().spec().seeds(), trial.score);
    }

    /**
     * Adds an incumbent's seed-set scores to the campaign's noise evidence and re-estimates the noise
     * ({@link NoiseEstimate}). A campaign from before the evidence was recorded keeps its stored
     * estimate until the new evidence reaches the same degrees of freedom.
     */
    private static void addNoiseEvidence(Campaign campaign, Budgets budgets, int incumbent, List<SeedSetScore> seedSets) {
        boolean earlierEstimate = campaign.noiseSources == null && campaign.noiseFloor != null;
        List<NoiseEstimate.Source> sources = NoiseEstimate.add(NoiseEstimate.read(campaign.noiseSources), incumbent,
                seedSets);
        campaign.noiseSources = NoiseEstimate.write(sources);
        NoiseEstimate estimate = NoiseEstimate.pool(sources, budgets.noiseDegreesOfFreedom());
        if (!earlierEstimate || estimate.degreesOfFreedom() >= estimate.targetDegreesOfFreedom()) {
            campaign.noiseFloor = estimate.standardDeviation();
        }
    }

    private static boolean isCurrent(Trial trial, int attempt) {
        return trial.state == TrialState.RUNNING && trial.attempts == attempt;
    }

    /**
     * After a restart of server {@code owner}: the trials it left RUNNING were interrupted; they get
     * another attempt if any is left. Other servers' trials are theirs, unless their leases run out
     * ({@link #recoverExpired}).
     */
    public int recoverInterrupted(String owner) {
        int recovered = 0;
        for (Object[] row : QuarkusTransaction.requiringNew().call(() -> trials.runningLeasedBy(owner))) {
            boolean requeued = QuarkusTransaction.requiringNew().call(() -> requeue((Long) row[1], (Long) row[0],
                    trial -> true, trial -> "attempt " + trial.attempts + " was interrupted by a server stop"));
            recovered += requeued ? 1 : 0;
        }
        return recovered;
    }

    /**
     * Re-queues RUNNING trials whose lease ran out before {@code now}: the server evaluating them
     * stopped (killed, or cut off from the store) without saying so. Any server may do it; the
     * campaign's lock makes sure only one does, and a lease renewed meanwhile is left alone.
     */
    public int recoverExpired(Instant now) {
        int recovered = 0;
        for (Object[] row : QuarkusTransaction.requiringNew().call(() -> trials.leaseExpired(now))) {
            boolean requeued = QuarkusTransaction.requiringNew().call(() -> requeue((Long) row[1], (Long) row[0],
                    trial -> trial.leaseUntil != null && trial.leaseUntil.isBefore(now),
                    trial -> "attempt " + trial.attempts + " stopped: server " + trial.leaseOwner
                            + " did not renew its lease, which ran out at " + trial.leaseUntil));
            recovered += requeued ? 1 : 0;
        }
        return recovered;
    }

    /**
     * The trials some server is evaluating right now, by the leases it keeps renewing: what a stray
     * sweep must leave alone of another server's containers on a shared engine.
     */
    public Set<TrialLease> liveLeases(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> trials.liveLeases(now));
    }

    /** Gives a RUNNING trial another attempt (no back-off: nothing is known to be wrong now). */
    private boolean requeue(long campaignId, long trialId, Predicate<Trial> stillDue, Function<Trial, String> why) {
        Campaign campaign = Campaign.lock(campaignId);
        Trial trial = trials.require(trialId); // read under the campaign's lock, never before it
        if (trial.state != TrialState.RUNNING || !stillDue.test(trial)) {
            return false;
        }
        String reason = why.apply(trial);
        LOG.infof("campaign %d trial %d: %s", campaignId, trial.number, reason);
        failAttempt(campaign, trial, reason, Duration.ZERO);
        return true;
    }

    /** Cancels a trial that has not finished; the evaluator kills its containers when it hears of it. */
    @Transactional
    public TrialView cancel(long trialId, String actor) {
        // The trial's row before its campaign's, in the order claimNext takes them.
        Trial trial = trials.lock(trialId);
        Campaign campaign = Campaign.lock(trial.campaignId);
        if (trial.settled()) {
            throw new TrialNotCancellable("trial " + trialId + " is already " + trial.state);
        }
        if (trial.number == 0) {
            throw new TrialNotCancellable("the baseline cannot be cancelled: every other trial is judged against it");
        }
        boolean running = trial.state == TrialState.RUNNING;
        trial.state = TrialState.CANCELLED;
        trial.finishedAt = Instant.now();
        trial.appendNote("cancelled by " + actor);
        events.append(campaign.id, EventType.TRIAL_CANCELLED, trial.number, actor, payload("wasRunning", running));
        return TrialView.of(trial);
    }

    /**
     * An attempt that failed for reasons outside the recipe: queued again after a back-off while
     * attempts are left, otherwise finished as INFRA_ERROR (and a baseline fails its campaign).
     */
    private void failAttempt(Campaign campaign, Trial trial, String reason) {
        failAttempt(campaign, trial, reason, Duration.ofSeconds(5L << Math.min(Math.max(trial.attempts - 1, 0), 5)));
    }

    private void failAttempt(Campaign campaign, Trial trial, String reason, Duration backoff) {
        String why = reason == null ? "an infrastructure failure" : reason;
        if (trial.attempts < config.evaluator().maxAttempts()) {
            trial.state = TrialState.QUEUED;
            trial.notBefore = Instant.now().plus(backoff);
            trial.appendNote("attempt " + trial.attempts + " failed for reasons outside the recipe (" + why
                    + "); retrying in " + backoff.toSeconds() + " s");
            events.append(campaign.id, EventType.TRIAL_ATTEMPT_FAILED, trial.number, SERVER,
                    payload("attempt", trial.attempts, "reason", why, "retryAt", trial.notBefore.toString()));
            return;
        }
        trial.appendNote("attempt " + trial.attempts + " failed (" + why + "); no attempts left");
        finish(campaign, trial, Label.INFRA_ERROR, why);
        if (trial.number == 0) {
            failCampaign(campaign, trial);
        }
    }

    private void record(Trial trial, Measurement measurement, Campaign campaign) {
        trial.score = measurement.score();
        trial.scoreStd = measurement.scoreStd();
        trial.metrics = TrialView.metricsJson(measurement.metrics());
        trial.recipeSeconds = measurement.recipeSeconds();
        trial.scoringSeconds = measurement.scoringSeconds();
        trial.artifactBytes = measurement.artifactBytes();
        if (trial.score != null && campaign.bestScore != null) {
            trial.deltaVsBest = trial.score - campaign.bestScore;
            trial.bestAtJudgement = campaign.bestNumber;
        }
    }

    private void finish(Campaign campaign, Trial trial, Label label, String reason) {
        trial.state = TrialState.FINISHED;
        trial.label = label;
        trial.labelReason = reason == null ? null : reason.length() > 2000 ? reason.substring(0, 1999) + "…" : reason;
        trial.finishedAt = Instant.now();
        meters.counter("empiric.trials.finished", "label", label.name()).increment();
        Confirmation confirmation = Confirmation.read(trial.confirmation);
        events.append(campaign.id, EventType.TRIAL_FINISHED, trial.number, SERVER, payload("label", label,
                "score", trial.score, "attempts", trial.attempts, "judgedAgainst", trial.bestAtJudgement,
                "noiseFloor", trial.noiseFloor, "keepThreshold", trial.keepThreshold, "confirmation",
                confirmation == null ? null : confirmation.outcome(), "confirmationSeconds", trial.confirmationSeconds,
                "reason", trial.labelReason));
    }

    private void refuse(Trial trial, Label label, String reason) {
        trial.state = TrialState.FINISHED;
        trial.label = label;
        trial.labelReason = reason.length() > 2000 ? reason.substring(0, 1999) + "…" : reason;
        trial.notes = reason;
        trial.finishedAt = trial.submittedAt;
        meters.counter("empiric.trials.finished", "label", label.name()).increment();
    }

    private void failCampaign(Campaign campaign, Trial baseline) {
        campaign.status = CampaignStatus.FAILED;
        events.append(campaign.id, EventType.CAMPAIGN_FAILED, 0, SERVER, payload("baselineLabel", baseline.label));
        for (Trial trial : trials.ofCampaignInState(campaign.id, TrialState.QUEUED)) {
            trial.state = TrialState.CANCELLED;
            trial.finishedAt = Instant.now();
            trial.appendNote("cancelled: the campaign's baseline ended " + baseline.label
                    + ", so there is nothing to judge against");
            events.append(campaign.id, EventType.TRIAL_CANCELLED, trial.number, SERVER,
                    payload("wasRunning", false, "reason", "the baseline ended " + baseline.label));
        }
        LOG.warnf("campaign %d failed: its baseline ended %s", campaign.id, baseline.label);
    }

    private void validate(TrialSubmission submission, String idempotencyKey) {
        if (submission == null) {
            throw new SubmissionRefused(Kind.INVALID, "a JSON body with 'hypothesis' and 'diff' is required");
        }
        List<String> problems = new ArrayList<>();
        if (submission.hypothesis() == null || submission.hypothesis().isBlank()) {
            problems.add("'hypothesis' is required: say what the edit should do and why");
        } else if (submission.hypothesis().length() > MAX_HYPOTHESIS_CHARS) {
            problems.add("'hypothesis' is longer than " + MAX_HYPOTHESIS_CHARS + " characters");
        }
        if (submission.diff() == null || submission.diff().isBlank()) {
            problems.add("'diff' is required: a unified diff against the parent trial");
        }
        if (submission.specialist() != null && !submission.specialist().matches(Trial.SPECIALIST_NAME)) {
            problems.add("'specialist' must be 1-100 letters, digits or _.:-");
        }
        if (submission.parent() != null && submission.parent() < 0) {
            problems.add("'parent' must be a trial number (0 or more)");
        }
        if (submission.expectedDelta() != null && !Double.isFinite(submission.expectedDelta())) {
            problems.add("'expectedDelta' must be a finite number");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            problems.add("the Idempotency-Key header must be 1-200 characters");
        }
        if (!problems.isEmpty()) {
            throw new SubmissionRefused(Kind.INVALID, String.join("; ", problems));
        }
        int bytes = submission.diff().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.trial().maxDiffBytes()) {
            throw new SubmissionRefused(Kind.TOO_LARGE, "the diff is " + bytes + " bytes; the limit is "
                    + config.trial().maxDiffBytes());
        }
    }

    private static String commitMessage(Trial trial) {
        String firstLine = trial.hypothesis.lines().findFirst().orElse("").strip();
        if (firstLine.length() > 72) {
            firstLine = firstLine.substring(0, 69) + "...";
        }
        return "Trial " + trial.number + ": " + firstLine + "\n\n" + trial.hypothesis + "\n\n"
                + "Empiric-Campaign: " + trial.campaignId + "\n"
                + "Empiric-Trial: " + trial.number + "\n"
                + "Empiric-Parent: " + trial.parentNumber + "\n"
                + "Empiric-Specialist: " + trial.specialist + "\n";
    }
}
