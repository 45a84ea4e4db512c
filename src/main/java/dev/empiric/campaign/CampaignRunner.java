package dev.empiric.campaign;

import dev.empiric.agent.CampaignHistoryReader;
import dev.empiric.agent.Specialist;
import dev.empiric.agent.SpecialistRoster;
import dev.empiric.web.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts, stops and resumes campaign runners. The runner's state lives in the campaign_runner table;
 * one driver thread polls it every {@link #TICK_MILLIS} ms and gives every RUNNING run a
 * {@link RunnerTurn}. Because the driver holds no state of its own, resuming after a restart is the
 * same as starting: the startup observer starts the driver, and it picks up every run still RUNNING.
 */
@ApplicationScoped
public class CampaignRunner {

    private static final Logger LOG = Logger.getLogger(CampaignRunner.class);
    static final long TICK_MILLIS = 500;

    private final CampaignService campaigns;
    private final SpecialistRoster roster;
    private final CampaignHistoryReader reader;
    private final RunnerTurn turn;
    private final Object signal = new Object();
    private volatile boolean active;
    private Thread driver;

    CampaignRunner(CampaignService campaigns, SpecialistRoster roster, CampaignHistoryReader reader, RunnerTurn turn) {
        this.campaigns = campaigns;
        this.roster = roster;
        this.reader = reader;
        this.turn = turn;
    }

    @Transactional
    public RunnerView start(long campaignId, RunnerRequest request) {
        if (request == null) {
            throw ApiException.badRequest("a JSON body with at least 'maxTrials' is required");
        }
        Campaign campaign = Campaign.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        if (campaign == null) {
            throw ApiException.notFound("no campaign with id " + campaignId);
        }
        if (campaign.status != CampaignStatus.ACTIVE) {
            throw ApiException.conflict("campaign " + campaignId + " is " + campaign.status + " and takes no trials");
        }
        CampaignRun.latest(campaignId).filter(run -> run.state == RunnerState.RUNNING).ifPresent(run -> {
            throw ApiException.conflict("campaign " + campaignId + " already has a running runner (run " + run.id
                    + "); stop it first with DELETE");
        });
        CampaignSettings settings = CampaignSettings.fromJson(campaign.settings);
        List<String> defaults = roster.all(reader.spec(campaign), settings).stream().map(Specialist::name).toList();
        List<String> available = roster.available(reader.spec(campaign), settings).stream().map(Specialist::name)
                .toList();
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
        wake();
        return RunnerView.of(run, campaign);
    }

    @Transactional
    public RunnerView stop(long campaignId) {
        CampaignRun run = latest(campaignId);
        CampaignRun locked = CampaignRun.findById(run.id, LockModeType.PESSIMISTIC_WRITE);
        if (locked.state != RunnerState.RUNNING) {
            throw ApiException.conflict("the runner of campaign " + campaignId + " is not running: it is "
                    + locked.state + (locked.endReason == null ? "" : " (" + locked.endReason.meaning() + ")"));
        }
        locked.end(RunnerState.STOPPED, RunnerEnd.STOPPED);
        return RunnerView.of(locked, campaigns.find(campaignId));
    }

    @Transactional
    public RunnerView view(long campaignId) {
        return RunnerView.of(latest(campaignId), campaigns.find(campaignId));
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
    public synchronized void resume() {
        if (driver != null && driver.isAlive()) {
            return;
        }
        active = true;
        driver = Thread.ofPlatform().name("empiric-runner").daemon().start(this::drive);
    }

    /** Stops the driver and drops every in-memory cache, as a server stop does; runs stay RUNNING. */
    public synchronized void suspend() {
        active = false;
        wake();
        if (driver != null) {
            try {
                driver.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            driver = null;
        }
        turn.forget();
    }

    /** Lets the driver take a turn now rather than at its next tick. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void drive() {
        while (active) {
            List<Long> running = QuarkusTransaction.requiringNew().call(
                    () -> CampaignRun.running().stream().map(run -> run.id).toList());
            for (Long runId : running) {
                if (!active) {
                    return;
                }
                try {
                    turn.advance(runId);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "runner %d failed a turn; trying again at the next tick", runId);
                }
            }
            synchronized (signal) {
                try {
                    signal.wait(TICK_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static CampaignRun latest(long campaignId) {
        return CampaignRun.latest(campaignId).orElseThrow(() -> ApiException.notFound(
                "campaign " + campaignId + " has never had a runner; start one with POST"));
    }
}
