package dev.empiric.runner;

import static dev.empiric.campaign.EventLog.payload;

import dev.empiric.DomainException.Kind;
import dev.empiric.WakeableLoop;
import dev.empiric.agent.Specialist;
import dev.empiric.agent.SpecialistRoster;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignClosed;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.lineage.EnvironmentUnavailable;
import dev.empiric.trial.Trials;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts, stops and resumes campaign runners. The runner's state lives in the campaign_runner table;
 * one driver loop looks at it every {@link #TICK} and gives every RUNNING run a {@link RunnerTurn}.
 * Because the driver holds no state of its own, resuming after a restart is the same as starting:
 * the startup observer starts the driver, and it picks up every run still RUNNING.
 */
@ApplicationScoped
public class CampaignRunner {

    private static final Logger LOG = Logger.getLogger(CampaignRunner.class);
    static final Duration TICK = Duration.ofMillis(500);

    private final SpecialistRoster roster;
    private final EnvironmentCatalog catalog;
    private final RunnerTurn turn;
    private final Trials trials;
    private final EventLog events;
    private final WakeableLoop driver;

    CampaignRunner(SpecialistRoster roster, EnvironmentCatalog catalog, RunnerTurn turn, Trials trials,
            EventLog events) {
        this.roster = roster;
        this.catalog = catalog;
        this.turn = turn;
        this.trials = trials;
        this.events = events;
        this.driver = new WakeableLoop("empiric-runner", TICK, this::turnAll);
    }

    /** @param actor who starts it, for the event log */
    @Transactional
    public RunnerView start(long campaignId, RunnerRequest request, String actor) {
        if (request == null) {
            throw new InvalidRunnerRequest("a JSON body with at least 'maxTrials' is required");
        }
        Campaign campaign = Campaign.lock(campaignId);
        if (campaign.status != CampaignStatus.ACTIVE) {
            throw new CampaignClosed(campaign);
        }
        CampaignRun.latest(campaignId).filter(run -> run.state == RunnerState.RUNNING).ifPresent(run -> {
            throw new RunnerConflict(Kind.CONFLICT, "campaign " + campaignId + " already has a running runner (run "
                    + run.id + "); stop it first with DELETE");
        });
        CampaignSettings settings = campaign.parsedSettings();
        EnvironmentSpec spec = catalog.find(campaign.environment).orElseThrow(() -> new EnvironmentUnavailable(campaign))
                .spec();
        List<String> defaults = roster.all(spec, settings).stream().map(Specialist::name).toList();
        List<String> available = roster.available(spec, settings).stream().map(Specialist::name).toList();
        CampaignRun run = new CampaignRun();
        run.campaignId = campaignId;
        run.specialists = String.join(",", request.validate(defaults, available));
        run.maxTrials = request.maxTrials();
        run.maxTrialsWithoutKeep = request.maxTrialsWithoutKeep();
        run.deadline = request.deadline();
        run.concurrency = request.concurrencyOrDefault();
        run.state = RunnerState.RUNNING;
        run.startedAt = Instant.now();
        run.skips = "{}";
        run.failures = "{}";
        run.persist();
        events.append(campaignId, EventType.RUNNER_STARTED, null, actor, payload("run", run.id,
                "maxTrials", run.maxTrials, "maxTrialsWithoutKeep", run.maxTrialsWithoutKeep,
                "deadline", run.deadline == null ? null : run.deadline.toString(), "concurrency", run.concurrency,
                "specialists", run.specialistNames()));
        driver.wake();
        return RunnerView.of(run, campaign, trials);
    }

    @Transactional
    public RunnerView stop(long campaignId, String actor) {
        Campaign campaign = Campaign.require(campaignId);
        // Runs before campaigns, as in every turn: taking the two locks in one order cannot deadlock.
        CampaignRun run = CampaignRun.findById(latest(campaignId).id, LockModeType.PESSIMISTIC_WRITE);
        if (run.state != RunnerState.RUNNING) {
            throw new RunnerConflict(Kind.CONFLICT, "the runner of campaign " + campaignId + " is not running: it is "
                    + run.state + (run.endReason == null ? "" : " (" + run.endReason.meaning() + ")"));
        }
        run.end(RunnerState.STOPPED, RunnerEnd.STOPPED);
        events.append(campaignId, EventType.RUNNER_STOPPED, null, actor, payload("run", run.id));
        return RunnerView.of(run, campaign, trials);
    }

    @Transactional
    public RunnerView view(long campaignId) {
        return RunnerView.of(latest(campaignId), Campaign.require(campaignId), trials);
    }

    void onStart(@Observes StartupEvent event) {
        long running = QuarkusTransaction.requiringNew().call(() -> CampaignRun.count("state", RunnerState.RUNNING));
        if (running > 0) {
            LOG.infof("resuming %d campaign runners that were running when the server stopped", running);
        }
        resume();
    }

    void onStop(@Observes ShutdownEvent event) {
        suspend();
    }

    /** Starts the driver; every RUNNING run continues from what the database says it has done. */
    public void resume() {
        driver.start();
    }

    /** Stops the driver and drops every in-memory cache, as a server stop does; runs stay RUNNING. */
    public void suspend() {
        driver.stop(Duration.ofSeconds(30));
        turn.forget();
    }

    private boolean turnAll() {
        List<Long> running = QuarkusTransaction.requiringNew().call(
                () -> CampaignRun.running().stream().map(run -> run.id).toList());
        for (Long runId : running) {
            if (!driver.running()) {
                break;
            }
            turn.advance(runId);
        }
        return false;
    }

    private static CampaignRun latest(long campaignId) {
        Campaign.require(campaignId);
        return CampaignRun.latest(campaignId).orElseThrow(() -> new RunnerConflict(Kind.NOT_FOUND,
                "campaign " + campaignId + " has never had a runner; start one with POST"));
    }
}
