package dev.empiric.runner;

import static dev.empiric.campaign.EventLog.payload;

import dev.empiric.EmpiricConfig;
import dev.empiric.agent.Proposal;
import dev.empiric.agent.ProposalContext;
import dev.empiric.agent.ProposalFailed;
import dev.empiric.agent.Specialist;
import dev.empiric.agent.SpecialistBandit;
import dev.empiric.agent.SpecialistBandit.Yield;
import dev.empiric.agent.SpecialistRoster;
import dev.empiric.agent.TokenBudget;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.evaluator.InstanceIdentity;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.lineage.LineageMarkdown;
import dev.empiric.lineage.LineageService;
import dev.empiric.lineage.ProposerView;
import dev.empiric.trial.Label;
import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialSkeleton;
import dev.empiric.trial.TrialSubmission;
import dev.empiric.trial.Trials;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One turn of one run: decide from the store whether the run goes on (budget, deadline, patience,
 * free slots), let the bandit order the specialists, hand each one a frozen {@link ProposalContext}
 * until one proposes something new, and submit it through {@link TrialService#submit}, the same path
 * as REST. Every decision re-reads the database under the run's row lock, so a turn interrupted
 * anywhere leaves nothing half-done. With several servers on one store, a run's turns are leased
 * ({@link CampaignRun#lease}): only the holder proposes and submits. A run never spins: a broken
 * campaign ends it at once, and {@link #MAX_CONSECUTIVE_FAILURES} failed turns in a row end it with
 * {@link RunnerEnd#FAILING}.
 */
@ApplicationScoped
public class RunnerTurn {

    private static final Logger LOG = Logger.getLogger(RunnerTurn.class);
    static final int MAX_CONSECUTIVE_FAILURES = 20;

    private final LineageService lineage;
    private final EnvironmentCatalog catalog;
    private final SpecialistRoster roster;
    private final TrialService trialService;
    private final Trials trials;
    private final EventLog events;
    private final Event<Turn> turns;
    private final InstanceIdentity instance;
    private final Duration lease;
    /**
     * Per run and specialist, the history stamp at which it last had nothing new: it is not asked
     * again (nor counted as skipping again) until the lineage changes. Only a cache; a restart
     * merely asks once more.
     */
    private final Map<Long, Map<String, String>> quiet = new ConcurrentHashMap<>();

    RunnerTurn(LineageService lineage, EnvironmentCatalog catalog, SpecialistRoster roster, TrialService trialService,
            Trials trials, EventLog events, Event<Turn> turns, InstanceIdentity instance, EmpiricConfig config) {
        this.lineage = lineage;
        this.catalog = catalog;
        this.roster = roster;
        this.trialService = trialService;
        this.trials = trials;
        this.events = events;
        this.turns = turns;
        this.instance = instance;
        this.lease = config.lease().duration();
    }

    /**
     * Which specialist has the turn right now, announced to local observers (the live stream) as it
     * happens. Not an event of the log: a turn changes nothing in the lineage, and an LLM or a coding
     * agent may think for minutes, which a researcher watching the dashboard wants to see. What the
     * turn led to is in the log (a trial submitted, a proposal failed).
     *
     * @param phase {@code proposing} while the specialist works, then {@code proposed} (it submitted
     *     trial {@code number}), {@code nothing new} or {@code failed}
     */
    public record Turn(long campaignId, long runId, String specialist, String phase, Integer number, Instant at) {

        public static final String PROPOSING = "proposing";
        public static final String PROPOSED = "proposed";
        public static final String NOTHING_NEW = "nothing new";
        public static final String FAILED = "failed";
    }

    /** What a turn may do: how many trials it may submit now, on which environment. */
    private record Plan(long runId, long campaignId, EnvironmentSpec spec, CampaignSettings settings,
            List<String> specialists, int slots) {}

    /** Moves the run on by as many proposals as it has free slots; ends it when a stop condition holds. */
    public void advance(long runId) {
        try {
            Optional<Plan> plan = QuarkusTransaction.requiringNew().call(() -> plan(runId));
            for (int slot = 0; plan.isPresent() && slot < plan.get().slots(); slot++) {
                if (!proposeOne(plan.get())) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "runner %d: the turn failed", runId);
            QuarkusTransaction.requiringNew().run(() -> failedTurn(runId, "the turn failed: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Forgets the in-memory cache, as a restart would. */
    public void forget() {
        quiet.clear();
    }

    private Optional<Plan> plan(long runId) {
        CampaignRun run = CampaignRun.findById(runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.state != RunnerState.RUNNING) {
            quiet.remove(runId);
            return Optional.empty();
        }
        if (!run.lease(instance.id(), Instant.now(), lease)) {
            return Optional.empty(); // another server drives this run while its lease holds
        }
        Campaign campaign = Campaign.require(run.campaignId);
        if (campaign.status == CampaignStatus.FAILED) {
            end(run, RunnerEnd.CAMPAIGN_FAILED);
            return Optional.empty();
        }
        Optional<Environment> environment = catalog.find(campaign.environment);
        if (environment.isEmpty()) {
            end(run, RunnerEnd.ENVIRONMENT_UNAVAILABLE);
            return Optional.empty();
        }
        RunnerProgress progress = RunnerProgress.of(run, trials);
        CampaignSettings settings = campaign.parsedSettings();
        Optional<RunnerEnd> limit = limit(run, progress, settings);
        if (limit.isPresent()) {
            if (progress.inFlight() == 0) {
                end(run, limit.get());
            }
            return Optional.empty();
        }
        if (campaign.bestScore == null) {
            return Optional.empty(); // the baseline is still being measured; every proposal builds on it
        }
        int slots = Math.min(run.concurrency - progress.inFlight(), run.maxTrials - progress.proposed());
        return slots <= 0 ? Optional.empty() : Optional.of(new Plan(runId, run.campaignId, environment.get().spec(),
                settings, run.specialistNames(), slots));
    }

    /** The budget limit reached, if any. The run ends once its in-flight trials have finished. */
    private static Optional<RunnerEnd> limit(CampaignRun run, RunnerProgress progress, CampaignSettings settings) {
        if (progress.proposed() >= run.maxTrials) {
            return Optional.of(RunnerEnd.MAX_TRIALS);
        }
        if (run.deadline != null && !Instant.now().isBefore(run.deadline)) {
            return Optional.of(RunnerEnd.DEADLINE);
        }
        if (run.maxTrialsWithoutKeep != null && progress.sinceKeep() >= run.maxTrialsWithoutKeep) {
            return Optional.of(RunnerEnd.NO_KEEP);
        }
        if (settings.tokenBudget() != null && !settings.llmOrNone().isEmpty()
                && LlmCall.spent(run.campaignId) >= settings.tokenBudget()) {
            return Optional.of(RunnerEnd.TOKEN_BUDGET);
        }
        return Optional.empty();
    }

    private boolean proposeOne(Plan plan) {
        CampaignHistory history = lineage.history(plan.campaignId());
        RecipeTree bestTree = lineage.tree(plan.campaignId(), history.bestNumber());
        String stamp = history.stamp();
        Map<String, String> silent = quiet.computeIfAbsent(plan.runId(), id -> new ConcurrentHashMap<>());
        Random draws = new Random(ProposalContext.seed(plan.campaignId(), "bandit", history.trials().size()));
        List<Map.Entry<String, Double>> order = SpecialistBandit.order(
                QuarkusTransaction.requiringNew().call(() -> yields(plan)), draws);
        TokenBudget tokens = new LedgerTokenBudget(plan.campaignId(), plan.settings().tokenBudget());
        Supplier<String> knowledge = memoized(() -> lineage.pinnedKnowledge(plan.campaignId()));
        boolean anyFailed = false;
        for (Map.Entry<String, Double> turn : order) {
            String name = turn.getKey();
            if (stamp.equals(silent.get(name))) {
                continue;
            }
            Specialist specialist = roster.named(plan.spec(), plan.settings(), name).orElseThrow(() ->
                    new IllegalStateException("run " + plan.runId() + " names specialist '" + name
                            + "', which the campaign does not offer"));
            Supplier<String> view = memoized(() -> LineageMarkdown.render(
                    lineage.view(plan.campaignId(), name, LineageService.Options.DEFAULT)));
            Random random = new Random(ProposalContext.seed(plan.campaignId(), name, history.trials().size()));
            announce(plan, name, Turn.PROPOSING, null);
            Optional<Proposal> proposal;
            try {
                proposal = specialist.propose(new ProposalContext(plan.spec(), history, bestTree, random, view, knowledge,
                        tokens))
                        .filter(p -> !QuarkusTransaction.requiringNew().call(
                                () -> trials.diffSubmittedOn(plan.campaignId(), p.parent(), p.diff())));
            } catch (ProposalFailed failed) {
                announce(plan, name, Turn.FAILED, null);
                silent.put(name, stamp);
                anyFailed = true;
                LOG.infof("campaign %d run %d: %s failed to propose: %s", plan.campaignId(), plan.runId(), name,
                        failed.getMessage());
                QuarkusTransaction.requiringNew().run(() -> {
                    CampaignRun.<CampaignRun>findById(plan.runId(), LockModeType.PESSIMISTIC_WRITE)
                            .countFailure(name, failed.getMessage());
                    events.append(plan.campaignId(), EventType.PROPOSAL_FAILED, null, actor(plan.runId()),
                            payload("specialist", name, "reason", failed.getMessage()));
                });
                continue;
            }
            if (proposal.isEmpty()) {
                announce(plan, name, Turn.NOTHING_NEW, null);
                silent.put(name, stamp);
                QuarkusTransaction.requiringNew().run(() -> CampaignRun.<CampaignRun>findById(plan.runId(),
                        LockModeType.PESSIMISTIC_WRITE).countSkip(name));
                continue;
            }
            String from = String.format(Locale.ROOT, "run %d; best trial %d (%s %.6g); %d trials in the campaign; %s drew %.3f",
                    plan.runId(), history.bestNumber(), history.metric(), history.best().score(),
                    history.trials().size(), name, turn.getValue());
            Optional<Integer> submitted = QuarkusTransaction.requiringNew().call(
                    () -> submit(plan, proposal.get(), from, view.get()));
            announce(plan, name, submitted.isPresent() ? Turn.PROPOSED : Turn.NOTHING_NEW, submitted.orElse(null));
            return submitted.isPresent();
        }
        boolean failed = anyFailed;
        QuarkusTransaction.requiringNew().run(() -> {
            CampaignRun run = CampaignRun.findById(plan.runId(), LockModeType.PESSIMISTIC_WRITE);
            if (run.state != RunnerState.RUNNING) {
                return;
            }
            if (failed) {
                failedTurn(run.id, "every specialist asked failed to propose or had nothing new");
            } else if (RunnerProgress.of(run, trials).inFlight() == 0) {
                end(run, RunnerEnd.NOTHING_NEW);
            }
        });
        return false;
    }

    /**
     * Submits under the run's lock, after checking again that the run still wants a trial; returns the
     * new trial's number, or nothing when the run no longer wanted it or the submission was a replay.
     */
    private Optional<Integer> submit(Plan plan, Proposal proposal, String proposedFrom, String view) {
        CampaignRun run = CampaignRun.findById(plan.runId(), LockModeType.PESSIMISTIC_WRITE);
        RunnerProgress progress = RunnerProgress.of(run, trials);
        if (run.state != RunnerState.RUNNING || !instance.id().equals(run.leaseOwner)
                || progress.proposed() >= run.maxTrials || progress.inFlight() >= run.concurrency) {
            return Optional.empty();
        }
        TrialService.Submitted submitted = trialService.submit(plan.campaignId(), new TrialSubmission(
                proposal.hypothesis(), proposal.diff(), proposal.parent(), proposal.specialist(), null),
                "runner-" + run.id + "-" + (progress.proposed() + 1), actor(run.id));
        Trial trial = trials.require(submitted.trial().id());
        trial.proposedFrom = proposedFrom;
        trial.viewHash = ProposerView.record(plan.campaignId(), view);
        run.consecutiveFailures = 0;
        LOG.infof("campaign %d run %d: %s proposed trial %d: %s", plan.campaignId(), run.id, proposal.specialist(),
                trial.number, proposal.hypothesis());
        return submitted.replayed() ? Optional.empty() : Optional.of(trial.number);
    }

    private void announce(Plan plan, String specialist, String phase, Integer number) {
        try {
            turns.fire(new Turn(plan.campaignId(), plan.runId(), specialist, phase, number, Instant.now()));
        } catch (RuntimeException e) {
            LOG.debugf(e, "runner %d: announcing the turn failed", plan.runId()); // a live page is not worth a turn
        }
    }

    /** Counts a failed turn; past the limit the run ends with {@link RunnerEnd#FAILING}. */
    private void failedTurn(long runId, String why) {
        CampaignRun run = CampaignRun.findById(runId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.state != RunnerState.RUNNING) {
            return;
        }
        run.consecutiveFailures++;
        if (run.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
            LOG.warnf("campaign %d run %d: %d failed turns in a row (last: %s)", run.campaignId, run.id,
                    run.consecutiveFailures, why);
            end(run, RunnerEnd.FAILING);
        }
    }

    /** Each specialist's keeps among its last finished trials in the campaign, for the bandit. */
    private Map<String, Yield> yields(Plan plan) {
        Map<String, Yield> yields = new LinkedHashMap<>();
        plan.specialists().forEach(name -> yields.put(name, new Yield(0, 0)));
        for (TrialSkeleton row : trials.skeletons(plan.campaignId()).reversed()) {
            Yield yield = yields.get(row.specialist());
            if (yield != null && row.visible() && yield.trials() < SpecialistBandit.WINDOW) {
                yields.put(row.specialist(), new Yield(yield.trials() + 1,
                        yield.keeps() + (row.label() == Label.KEEP ? 1 : 0)));
            }
        }
        return yields;
    }

    private void end(CampaignRun run, RunnerEnd reason) {
        run.end(RunnerState.EXHAUSTED, reason);
        quiet.remove(run.id);
        events.append(run.campaignId, EventType.RUNNER_ENDED, null, actor(run.id),
                payload("run", run.id, "reason", reason.name()));
        LOG.infof("campaign %d run %d exhausted: %s", run.campaignId, run.id, reason.meaning());
    }

    static String actor(long runId) {
        return "runner:" + runId;
    }

    private static <T> Supplier<T> memoized(Supplier<T> source) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = source.get();
                }
                return value;
            }
        };
    }
}
