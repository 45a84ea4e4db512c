package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import dev.empiric.WakeableLoop;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.trial.ConfirmationJob;
import dev.empiric.trial.ConfirmationRound;
import dev.empiric.trial.EvaluationJob;
import dev.empiric.trial.Measurement;
import dev.empiric.trial.TrialService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The durable queue is the trial table itself: a trial is QUEUED until the dispatcher claims it and
 * hands it to one of {@code concurrency} workers. Nothing lives only in memory, so a restart loses
 * nothing: on start the server removes the containers its previous run left and re-queues the
 * trials that run interrupted. The dispatcher wakes when the event log says a trial was queued, and
 * looks again every second for trials whose retry back-off has passed.
 */
@ApplicationScoped
public class EvaluationQueue {

    private static final Logger LOG = Logger.getLogger(EvaluationQueue.class);

    private final TrialService trials;
    private final TrialEvaluator evaluator;
    private final Sandbox sandbox;
    private final int concurrency;
    private final AtomicInteger busy = new AtomicInteger();
    private final WakeableLoop dispatcher;
    private Semaphore slots;
    private ExecutorService workers;

    EvaluationQueue(TrialService trials, TrialEvaluator evaluator, Sandbox sandbox, EmpiricConfig config) {
        this.trials = trials;
        this.evaluator = evaluator;
        this.sandbox = sandbox;
        this.concurrency = config.evaluator().concurrency();
        this.dispatcher = new WakeableLoop("empiric-dispatcher", Duration.ofSeconds(1), this::dispatchOne);
    }

    void start(@Observes StartupEvent event) {
        try {
            int removed = sandbox.removeLeftovers();
            if (removed > 0) {
                LOG.infof("removed %d containers and volumes left by an earlier run of this server", removed);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Docker is not reachable at startup (%s); trials will wait and retry", e.getMessage());
        }
        int recovered = trials.recoverInterrupted();
        if (recovered > 0) {
            LOG.infof("%d trials were running when the server stopped; re-queued or labelled", recovered);
        }
        slots = new Semaphore(concurrency);
        workers = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().name("empiric-evaluator-", 0).factory());
        dispatcher.start();
    }

    void stop(@Observes ShutdownEvent event) {
        dispatcher.stop(Duration.ofSeconds(5));
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            sandbox.removeLeftovers();
        } catch (RuntimeException e) {
            LOG.debugf("could not clean up containers at shutdown: %s", e.getMessage());
        }
    }

    /** Reacts to committed events: a queued trial wakes the dispatcher; a cancelled one is killed. */
    void onEvent(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventLog.Appended event) {
        if (EventType.TRIAL_SUBMITTED.wireName().equals(event.type())
                || EventType.BEST_CHANGED.wireName().equals(event.type())) {
            dispatcher.wake(); // a baseline's score also releases the trials that waited for it
        } else if (EventType.TRIAL_CANCELLED.wireName().equals(event.type()) && event.trialNumber() != null) {
            try {
                sandbox.killTrial(event.campaignId(), event.trialNumber());
            } catch (RuntimeException e) {
                LOG.warnf("could not kill the containers of cancelled trial %d of campaign %d: %s",
                        event.trialNumber(), event.campaignId(), e.getMessage());
            }
        }
    }

    /** Trials being evaluated right now. */
    public int busy() {
        return busy.get();
    }

    /** Claims one trial if a worker is free; returns whether it did (then it tries again at once). */
    private boolean dispatchOne() {
        if (!slots.tryAcquire()) {
            return false; // every worker is busy; a finishing worker wakes the loop
        }
        Optional<EvaluationJob> job;
        try {
            job = trials.claimNext();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        if (job.isEmpty()) {
            slots.release();
            return false;
        }
        busy.incrementAndGet();
        workers.submit(() -> {
            try {
                process(job.get());
            } finally {
                busy.decrementAndGet();
                slots.release();
                dispatcher.wake();
            }
        });
        return true;
    }

    /**
     * Evaluates one attempt and records it; when the keep rule asks for a confirmation, runs its rounds
     * in the same worker (they are evaluator time of the same trial) until the trial is decided. A
     * failure of the platform in any part ends the attempt as an infrastructure failure; at shutdown
     * nothing is recorded, and the trial, still RUNNING, is re-run from the start on the next start.
     */
    private void process(EvaluationJob job) {
        long started = System.nanoTime();
        LOG.infof("evaluating campaign %d trial %d (attempt %d)", job.campaignId(), job.number(), job.attempt());
        Measurement measurement;
        try {
            measurement = evaluator.evaluate(job);
        } catch (RuntimeException e) {
            measurement = infrastructureFailure(job, "", e);
        }
        if (!dispatcher.running()) {
            return; // shutting down: the trial stays RUNNING and is re-queued on the next start
        }
        Optional<ConfirmationJob> round = trials.complete(job, measurement);
        LOG.infof("campaign %d trial %d: %s score %s in %.1f s", job.campaignId(), job.number(),
                describe(measurement.verdict()), measurement.score(), (System.nanoTime() - started) / 1e9);
        while (round.isPresent()) {
            ConfirmationJob planned = round.get();
            ConfirmationRound result;
            try {
                result = evaluator.confirm(planned);
            } catch (RuntimeException e) {
                if (dispatcher.running()) {
                    trials.complete(job, infrastructureFailure(job, ", confirmation round " + planned.round(), e));
                }
                return;
            }
            if (!dispatcher.running()) {
                return;
            }
            round = trials.recordConfirmationRound(planned, result);
            LOG.infof("campaign %d trial %d: confirmation round %d against trial %d: gain %s", job.campaignId(),
                    job.number(), planned.round(), planned.incumbent(),
                    result.gain(job.environment().spec().metric().goal()));
        }
    }

    private static Measurement infrastructureFailure(EvaluationJob job, String where, RuntimeException e) {
        LOG.warnf(e, "infrastructure failure on campaign %d trial %d%s", job.campaignId(), job.number(), where);
        return Measurement.infrastructureFailed("attempt " + job.attempt() + where + ": " + e.getClass().getSimpleName()
                + ": " + e.getMessage());
    }

    private static String describe(Measurement.Verdict verdict) {
        return switch (verdict) {
            case Measurement.Scored ignored -> "scored";
            case Measurement.Failed failed -> failed.label().name();
            case Measurement.InfrastructureFailed ignored -> "infrastructure failure";
        };
    }
}
