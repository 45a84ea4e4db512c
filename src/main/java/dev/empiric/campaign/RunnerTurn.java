package dev.empiric.campaign;

import dev.empiric.agent.CampaignHistory;
import dev.empiric.agent.CampaignHistoryReader;
import dev.empiric.agent.LlmCall;
import dev.empiric.agent.Proposal;
import dev.empiric.agent.ProposalFailed;
import dev.empiric.agent.ProposalContext;
import dev.empiric.agent.RecipeTree;
import dev.empiric.agent.Specialist;
import dev.empiric.agent.SpecialistBandit;
import dev.empiric.agent.SpecialistBandit.Yield;
import dev.empiric.agent.SpecialistRoster;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.evaluator.EvaluationQueue;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialState;
import dev.empiric.trial.TrialSubmission;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One turn of one run: decide from the store whether the run goes on (budget, deadline, patience,
 * free slots), let the bandit order the specialists, and submit the first new proposal through
 * {@link TrialService#submit}, the same path as REST. Every decision re-reads the database under the
 * run's row lock, so a turn interrupted anywhere leaves nothing half-done.
 */
@ApplicationScoped
public class RunnerTurn {

    private static final Logger LOG = Logger.getLogger(RunnerTurn.class);

    private final CampaignHistoryReader reader;
    private final SpecialistRoster roster;
    private final TrialService trials;
    private final EvaluationQueue queue;
    /**
     * Per run and specialist, the history stamp at which it last had nothing new: it is not asked
     * again (nor counted as skipping again) until the lineage changes. Only a cache; a restart
     * merely asks once more.
     */
    private final Map<Long, Map<String, String>> quiet = new ConcurrentHashMap<>();

    RunnerTurn(CampaignHistoryReader reader, SpecialistRoster roster, TrialService trials, EvaluationQueue queue) {
        this.reader = reader;
        this.roster = roster;
        this.trials = trials;
        this.queue = queue;
    }

    /** What a turn may do: how many trials it may submit now, on which environment. */
    private record Plan(long runId, long campaignId, EnvironmentSpec spec, CampaignSettings settings,
            List<String> specialists, int slots) {}

    /** Moves the run on by as many proposals as it has free slots; ends it when a stop condition holds. */
    public void advance(long runId) {
        Optional<Plan> plan = QuarkusTransaction.requiringNew().call(() -> plan(runId));
        for (int slot = 0; plan.isPresent() && slot < plan.get().slots(); slot++) {
            if (!proposeOne(plan.get())) {
                return;
            }
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
        Campaign campaign = Campaign.findById(run.campaignId);
        if (campaign.status == CampaignStatus.FAILED) {
            end(run, RunnerEnd.CAMPAIGN_FAILED);
            return Optional.empty();
        }
        RunnerProgress progress = RunnerProgress.of(run);
        CampaignSettings settings = CampaignSettings.fromJson(campaign.settings);
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
        return slots <= 0 ? Optional.empty() : Optional.of(new Plan(runId, run.campaignId, reader.spec(campaign),
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
        CampaignHistory history = reader.read(plan.campaignId());
        RecipeTree bestTree = reader.tree(plan.campaignId(), history.bestNumber());
        String stamp = history.stamp();
        Map<String, String> silent = quiet.computeIfAbsent(plan.runId(), id -> new ConcurrentHashMap<>());
        Random draws = new Random(ProposalContext.seed(plan.campaignId(), "bandit", history.trials().size()));
        List<Map.Entry<String, Double>> order = SpecialistBandit.order(
                QuarkusTransaction.requiringNew().call(() -> yields(plan)), draws);
        for (Map.Entry<String, Double> turn : order) {
            String name = turn.getKey();
            if (stamp.equals(silent.get(name))) {
                continue;
            }
            Specialist specialist = roster.named(plan.spec(), plan.settings(), name).orElseThrow(() ->
                    new IllegalStateException("run " + plan.runId() + " names specialist '" + name
                            + "', which the campaign does not offer"));
            Random random = new Random(ProposalContext.seed(plan.campaignId(), name, history.trials().size()));
            // Lineage off is the ablation: specialists see which trees were tried, not how they did.
            CampaignHistory seen = plan.settings().lineageViewEnabled() ? history : history.withoutOutcomes();
            Optional<Proposal> proposal;
            try {
                proposal = specialist.propose(new ProposalContext(plan.spec(), seen, bestTree, random))
                        .filter(p -> !QuarkusTransaction.requiringNew().call(() -> repeatsDiff(plan.campaignId(), p)));
            } catch (ProposalFailed failed) {
                silent.put(name, stamp);
                LOG.infof("campaign %d run %d: %s failed to propose: %s", plan.campaignId(), plan.runId(), name,
                        failed.getMessage());
                QuarkusTransaction.requiringNew().run(() -> CampaignRun.<CampaignRun>findById(plan.runId(),
                        LockModeType.PESSIMISTIC_WRITE).countFailure(name, failed.getMessage()));
                continue;
            }
            if (proposal.isEmpty()) {
                silent.put(name, stamp);
                QuarkusTransaction.requiringNew().run(() -> CampaignRun.<CampaignRun>findById(plan.runId(),
                        LockModeType.PESSIMISTIC_WRITE).countSkip(name));
                continue;
            }
            String from = String.format(Locale.ROOT, "run %d; best trial %d (%s %.6g); %d trials in the campaign; %s drew %.3f",
                    plan.runId(), history.bestNumber(), history.metric(), history.best().score(),
                    history.trials().size(), name, turn.getValue());
            boolean submitted = QuarkusTransaction.requiringNew().call(() -> submit(plan, proposal.get(), from));
            if (submitted) {
                queue.wake();
            }
            return submitted;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            CampaignRun run = CampaignRun.findById(plan.runId(), LockModeType.PESSIMISTIC_WRITE);
            if (run.state == RunnerState.RUNNING && RunnerProgress.of(run).inFlight() == 0) {
                end(run, RunnerEnd.NOTHING_NEW);
            }
        });
        return false;
    }

    /** Submits under the run's lock, after checking again that the run still wants a trial. */
    private boolean submit(Plan plan, Proposal proposal, String proposedFrom) {
        CampaignRun run = CampaignRun.findById(plan.runId(), LockModeType.PESSIMISTIC_WRITE);
        RunnerProgress progress = RunnerProgress.of(run);
        if (run.state != RunnerState.RUNNING || progress.proposed() >= run.maxTrials
                || progress.inFlight() >= run.concurrency) {
            return false;
        }
        TrialService.Submitted submitted = trials.submit(plan.campaignId(), new TrialSubmission(proposal.hypothesis(),
                proposal.diff(), proposal.parent(), proposal.specialist(), null),
                "runner-" + run.id + "-" + (progress.proposed() + 1));
        Trial trial = Trial.findById(submitted.trial().id());
        trial.proposedFrom = proposedFrom;
        LOG.infof("campaign %d run %d: %s proposed trial %d: %s", plan.campaignId(), run.id, proposal.specialist(),
                trial.number, proposal.hypothesis());
        return !submitted.replayed();
    }

    /** Whether the same diff was already submitted on the same parent (a repeat, whatever the specialist). */
    private static boolean repeatsDiff(long campaignId, Proposal proposal) {
        return Trial.getEntityManager().createQuery(
                "select t.diff from Trial t where t.campaignId = :campaign and t.parentNumber = :parent", String.class)
                .setParameter("campaign", campaignId).setParameter("parent", proposal.parent()).getResultStream()
                .anyMatch(proposal.diff()::equals);
    }

    /** Each specialist's keeps among its last finished trials in the campaign, for the bandit. */
    private static Map<String, Yield> yields(Plan plan) {
        Map<String, Yield> yields = new LinkedHashMap<>();
        plan.specialists().forEach(name -> yields.put(name, new Yield(0, 0)));
        List<Object[]> rows = Trial.getEntityManager().createQuery("""
                select t.specialist, t.label from Trial t
                where t.campaignId = :campaign and t.specialist in :names and t.state = :finished and t.label <> :infra
                order by t.number desc""", Object[].class)
                .setParameter("campaign", plan.campaignId()).setParameter("names", plan.specialists())
                .setParameter("finished", TrialState.FINISHED).setParameter("infra", Label.INFRA_ERROR)
                .getResultList();
        for (Object[] row : rows) {
            Yield yield = yields.get((String) row[0]);
            if (yield.trials() < SpecialistBandit.WINDOW) {
                yields.put((String) row[0], new Yield(yield.trials() + 1, yield.keeps() + (row[1] == Label.KEEP ? 1 : 0)));
            }
        }
        return yields;
    }

    private void end(CampaignRun run, RunnerEnd reason) {
        run.end(RunnerState.EXHAUSTED, reason);
        quiet.remove(run.id);
        LOG.infof("campaign %d run %d exhausted: %s", run.campaignId, run.id, reason.meaning());
    }
}
