package dev.empiric.trial;

import dev.empiric.EmpiricConfig;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.campaign.KeepRule;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.evaluator.Evaluation;
import dev.empiric.evaluator.EvaluationJob;
import dev.empiric.web.ApiException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.patch.Patch;
import org.jboss.logging.Logger;

/**
 * The life of a trial in the store: submission (checked, committed, queued), claim by a worker,
 * and the recorded outcome. Every change to a campaign's lineage happens under that campaign's row
 * lock, so trial numbers, the incumbent and the git refs never race.
 */
@ApplicationScoped
public class TrialService {

    private static final Logger LOG = Logger.getLogger(TrialService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HYPOTHESIS_CHARS = 20_000;

    private final EnvironmentCatalog catalog;
    private final GitTrialStore store;
    private final EmpiricConfig config;
    private final MeterRegistry meters;

    TrialService(EnvironmentCatalog catalog, GitTrialStore store, EmpiricConfig config, MeterRegistry meters) {
        this.catalog = catalog;
        this.store = store;
        this.config = config;
        this.meters = meters;
    }

    /** The trial as recorded, and whether it was recorded by an earlier request with the same key. */
    public record Submitted(TrialView trial, boolean replayed) {}

    @Transactional
    public Submitted submit(long campaignId, TrialSubmission submission, String idempotencyKey) {
        validate(submission, idempotencyKey);
        Campaign campaign = lockCampaign(campaignId);
        String requestHash = requestHash(submission);
        if (idempotencyKey != null) {
            Optional<Trial> earlier = Trial.find("campaignId = ?1 and idempotencyKey = ?2", campaignId, idempotencyKey)
                    .firstResultOptional();
            if (earlier.isPresent()) {
                if (!earlier.get().requestHash.equals(requestHash)) {
                    throw ApiException.unprocessable("Idempotency-Key '" + idempotencyKey
                            + "' was used before with a different body (trial " + earlier.get().number + ")");
                }
                return new Submitted(TrialView.of(earlier.get()), true);
            }
        }
        if (campaign.status != CampaignStatus.ACTIVE) {
            throw ApiException.conflict("campaign " + campaignId + " is " + campaign.status + " and takes no trials");
        }
        int parentNumber = submission.parent() != null ? submission.parent() : campaign.bestNumber;
        Trial parent = Trial.findByNumber(campaignId, parentNumber).orElseThrow(() -> ApiException.unprocessable(
                "campaign " + campaignId + " has no trial " + parentNumber + " to use as parent"));
        if (parent.commitId == null) {
            throw ApiException.unprocessable("trial " + parentNumber + " was " + parent.label
                    + " and has no commit; choose another parent");
        }
        Environment environment = environment(campaign);
        Patch patch = GitTrialStore.parse(submission.diff());
        if (patch.getFiles().isEmpty()) {
            throw ApiException.unprocessable("the diff holds no file changes; send a unified diff (as from 'git diff')"
                    + " with paths relative to the recipe root");
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
            new DiffPolicy(environment.spec().editable(), environment.spec().artifact() != null
                    && environment.spec().artifact().allowBinary()).check(patch);
            if (!patch.getErrors().isEmpty()) {
                throw new EditRejected(Label.INVALID_PATCH, "the diff is malformed: "
                        + patch.getErrors().stream().map(Object::toString).limit(3).toList());
            }
            trial.commitId = store.commitTrial(campaignId, parent.commitId, patch, trial.number, trial.specialist,
                    commitMessage(trial));
            trial.state = TrialState.QUEUED;
        } catch (EditRejected rejected) {
            trial.state = TrialState.FINISHED;
            trial.label = rejected.label();
            trial.notes = rejected.getMessage();
            trial.finishedAt = trial.submittedAt;
            meters.counter("empiric.trials.finished", "label", rejected.label().name()).increment();
        }
        trial.persist();
        meters.counter("empiric.trials.submitted").increment();
        return new Submitted(TrialView.of(trial), false);
    }

    /** Records trial 0 of a new campaign: the starting recipe, queued for measurement. */
    public Trial recordBaseline(Campaign campaign, String commit) {
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
        return baseline;
    }

    /**
     * Takes the oldest runnable trial and marks it RUNNING. Trials of a campaign wait until its
     * baseline is measured, since they can only be judged against it. Called by one dispatcher.
     */
    @Transactional
    public Optional<EvaluationJob> claimNext() {
        Optional<Trial> next = Trial.<Trial>find("""
                from Trial t where t.state = :queued and (t.notBefore is null or t.notBefore <= :now)
                and (t.number = 0 or exists (select c.id from Campaign c where c.id = t.campaignId
                                             and c.bestScore is not null))
                order by t.id""", Parameters.with("queued", TrialState.QUEUED).and("now", Instant.now()))
                .firstResultOptional();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Trial trial = next.get();
        Campaign campaign = Campaign.findById(trial.campaignId);
        trial.state = TrialState.RUNNING;
        trial.startedAt = Instant.now();
        trial.attempts++;
        Environment environment = environment(campaign);
        if (!environment.contentHash().equals(campaign.environmentHash)) {
            trial.appendNote("attempt " + trial.attempts + ": environment " + environment.name()
                    + " changed since the campaign started (now " + environment.contentHash().substring(0, 12) + ")");
        }
        return Optional.of(new EvaluationJob(trial.id, trial.campaignId, trial.number, trial.attempts, trial.commitId,
                environment, CampaignSettings.fromJson(campaign.settings)));
    }

    /** Records an attempt's outcome; KEEP or DISCARD is decided here, against the incumbent. */
    @Transactional
    public void complete(EvaluationJob job, Evaluation evaluation) {
        Campaign campaign = lockCampaign(job.campaignId());
        Trial trial = Trial.findById(job.trialId());
        if (trial.state != TrialState.RUNNING || trial.attempts != job.attempt()) {
            LOG.infof("ignoring the outcome of trial %d attempt %d: it is now %s", trial.id, job.attempt(), trial.state);
            return;
        }
        evaluation.notes().forEach(trial::appendNote);
        if (evaluation.label() == Label.INFRA_ERROR && trial.attempts < config.evaluator().maxAttempts()) {
            Duration backoff = Duration.ofSeconds(5L << Math.min(trial.attempts - 1, 5));
            trial.state = TrialState.QUEUED;
            trial.notBefore = Instant.now().plus(backoff);
            trial.appendNote("attempt " + trial.attempts + " failed for reasons outside the recipe; retrying in "
                    + backoff.toSeconds() + " s");
            return;
        }
        trial.score = evaluation.score();
        trial.scoreStd = evaluation.scoreStd();
        trial.metrics = TrialView.metricsJson(evaluation.metrics());
        trial.recipeSeconds = evaluation.recipeSeconds();
        trial.scoringSeconds = evaluation.scoringSeconds();
        trial.artifactBytes = evaluation.artifactBytes();
        if (trial.score != null && campaign.bestScore != null) {
            trial.deltaVsBest = trial.score - campaign.bestScore;
            trial.bestAtJudgement = campaign.bestNumber;
        }
        if (evaluation.label() != null) {
            finish(trial, evaluation.label());
            if (job.isBaseline()) {
                failCampaign(campaign, trial);
            }
        } else if (job.isBaseline()) {
            finish(trial, Label.BASELINE);
            campaign.bestNumber = 0;
            campaign.bestScore = trial.score;
            campaign.baselineScore = trial.score;
            campaign.noiseFloor = evaluation.noiseFloor();
        } else {
            KeepRule.Judgement judgement = KeepRule.judge(job.environment().spec(), trial.score, campaign.bestScore,
                    campaign.noiseFloor);
            trial.appendNote(judgement.note());
            finish(trial, judgement.label());
            if (judgement.label() == Label.KEEP) {
                campaign.bestNumber = trial.number;
                campaign.bestScore = trial.score;
                store.markBest(campaign.id, trial.commitId);
            }
        }
    }

    /** After a restart: RUNNING trials were interrupted; they get another attempt if any is left. */
    @Transactional
    public int recoverInterrupted() {
        List<Trial> interrupted = Trial.list("state", TrialState.RUNNING);
        for (Trial trial : interrupted) {
            if (trial.attempts < config.evaluator().maxAttempts()) {
                trial.state = TrialState.QUEUED;
                trial.appendNote("attempt " + trial.attempts + " was interrupted by a server stop; re-queued");
            } else {
                trial.appendNote("attempt " + trial.attempts + " was interrupted by a server stop; no attempts left");
                finish(trial, Label.INFRA_ERROR);
                if (trial.number == 0) {
                    failCampaign(lockCampaign(trial.campaignId), trial);
                }
            }
        }
        return interrupted.size();
    }

    /** Cancels a trial that has not finished; returns whether it was running (and must be killed). */
    @Transactional
    public boolean cancel(long trialId) {
        Trial trial = find(trialId);
        lockCampaign(trial.campaignId);
        if (trial.state == TrialState.FINISHED || trial.state == TrialState.CANCELLED) {
            throw ApiException.conflict("trial " + trialId + " is already " + trial.state);
        }
        if (trial.number == 0) {
            throw ApiException.conflict("the baseline cannot be cancelled: every other trial is judged against it");
        }
        boolean running = trial.state == TrialState.RUNNING;
        trial.state = TrialState.CANCELLED;
        trial.finishedAt = Instant.now();
        trial.appendNote("cancelled through the API");
        return running;
    }

    public Trial find(long trialId) {
        return Trial.<Trial>findByIdOptional(trialId)
                .orElseThrow(() -> ApiException.notFound("no trial with id " + trialId));
    }

    private void finish(Trial trial, Label label) {
        trial.state = TrialState.FINISHED;
        trial.label = label;
        trial.finishedAt = Instant.now();
        meters.counter("empiric.trials.finished", "label", label.name()).increment();
    }

    private void failCampaign(Campaign campaign, Trial baseline) {
        campaign.status = CampaignStatus.FAILED;
        List<Trial> waiting = Trial.list("campaignId = ?1 and state = ?2", campaign.id, TrialState.QUEUED);
        for (Trial trial : waiting) {
            trial.state = TrialState.CANCELLED;
            trial.finishedAt = Instant.now();
            trial.appendNote("cancelled: the campaign's baseline ended " + baseline.label
                    + ", so there is nothing to judge against");
        }
        LOG.warnf("campaign %d failed: its baseline ended %s", campaign.id, baseline.label);
    }

    private Campaign lockCampaign(long campaignId) {
        Campaign campaign = Campaign.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        if (campaign == null) {
            throw ApiException.notFound("no campaign with id " + campaignId);
        }
        return campaign;
    }

    private Environment environment(Campaign campaign) {
        return catalog.find(campaign.environment).orElseThrow(() -> ApiException.conflict(
                "campaign " + campaign.id + " uses environment '" + campaign.environment + "', which this server does not have"));
    }

    private void validate(TrialSubmission submission, String idempotencyKey) {
        if (submission == null) {
            throw ApiException.badRequest("a JSON body with 'hypothesis' and 'diff' is required");
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
        if (submission.specialist() != null && !submission.specialist().matches("[A-Za-z0-9_.:-]{1,100}")) {
            problems.add("'specialist' must be 1-100 letters, digits or _.:-");
        }
        if (submission.parent() != null && submission.parent() < 0) {
            problems.add("'parent' must be a trial number (0 or more)");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            problems.add("the Idempotency-Key header must be 1-200 characters");
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(String.join("; ", problems));
        }
        int bytes = submission.diff().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.trial().maxDiffBytes()) {
            throw ApiException.tooLarge("the diff is " + bytes + " bytes; the limit is " + config.trial().maxDiffBytes());
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

    private static String requestHash(TrialSubmission submission) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(JSON.writeValueAsBytes(submission)));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
