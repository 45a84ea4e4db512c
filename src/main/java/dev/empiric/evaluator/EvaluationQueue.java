package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import dev.empiric.FileTrees;
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
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The durable queue is the trial table itself: a trial is QUEUED until the dispatcher claims it and
 * hands it to one of {@code concurrency} workers. Nothing lives only in memory, so a restart loses
 * nothing: on start the server removes the containers its previous run left and re-queues the
 * trials that run interrupted. The dispatcher wakes when the event log says a trial was queued, and
 * looks again every second for trials whose retry back-off has passed; it claims nothing while the
 * Docker engine is unreachable, so an engine outage costs no trial an attempt.
 *
 * <p>Several servers may share one store (docs/configuration.md, "Scale-out"). Each claims trials
 * under a lease that its heartbeat renews while the worker runs (as Optuna's {@code
 * heartbeat_interval} does); a server that stops renewing, because it died or lost the store, has
 * its trials re-queued by whichever server notices first. The heartbeat is also how a worker learns
 * that its trial was cancelled, even through another server, or taken over, and kills its
 * containers; and how containers left by a failed clean-up (the engine was down) are removed.
 */
@ApplicationScoped
public class EvaluationQueue {

    private static final Logger LOG = Logger.getLogger(EvaluationQueue.class);

    private final TrialService trials;
    private final TrialEvaluator evaluator;
    private final Sandbox sandbox;
    private final InstanceIdentity instance;
    private final int concurrency;
    private final Duration lease;
    /** The attempts this server is evaluating, by trial id; what the heartbeat renews. */
    private final Map<Long, EvaluationJob> evaluating = new ConcurrentHashMap<>();
    private final WakeableLoop dispatcher;
    private final WakeableLoop heartbeat;
    private Semaphore slots;
    private ExecutorService workers;

    EvaluationQueue(TrialService trials, TrialEvaluator evaluator, Sandbox sandbox, InstanceIdentity instance,
            EmpiricConfig config) {
        this.trials = trials;
        this.evaluator = evaluator;
        this.sandbox = sandbox;
        this.instance = instance;
        this.concurrency = config.evaluator().concurrency();
        this.lease = config.lease().duration();
        if (concurrency < 0) {
            throw new IllegalStateException("empiric.evaluator.concurrency must be 0 or more, not " + concurrency);
        }
        if (config.lease().heartbeat().multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalStateException("empiric.lease.duration (" + lease + ") must be at least twice"
                    + " empiric.lease.heartbeat (" + config.lease().heartbeat() + ")");
        }
        this.dispatcher = new WakeableLoop("empiric-dispatcher", Duration.ofSeconds(1), this::dispatchOne);
        this.heartbeat = new WakeableLoop("empiric-heartbeat", config.lease().heartbeat(), this::beat);
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
        FileTrees.delete(instance.workDir()); // check-outs of attempts that the stop interrupted
        int recovered = trials.recoverInterrupted(instance.id());
        if (recovered > 0) {
            LOG.infof("%d trials were running when the server stopped; re-queued or labelled", recovered);
        }
        heartbeat.start();
        if (concurrency == 0) {
            LOG.info("empiric.evaluator.concurrency is 0: this server takes submissions and evaluates nothing");
            return;
        }
        slots = new Semaphore(concurrency);
        workers = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().name("empiric-evaluator-", 0).factory());
        dispatcher.start();
    }

    void stop(@Observes ShutdownEvent event) {
        dispatcher.stop(Duration.ofSeconds(5));
        heartbeat.stop(Duration.ofSeconds(5));
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sandbox.finishRemovals(Duration.ofSeconds(10));
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
            // Cancelled here: stop at once. Cancelled through another server, or claimed a moment ago:
            // the heartbeat notices.
            evaluating.values().stream()
                    .filter(job -> job.campaignId() == event.campaignId() && job.number() == event.trialNumber())
                    .forEach(this::stopQuietly);
        }
    }

    /** Trials being evaluated right now. */
    public int busy() {
        return evaluating.size();
    }

    /** Claims one trial if a worker is free; returns whether it did (then it tries again at once). */
    private boolean dispatchOne() {
        if (!slots.tryAcquire()) {
            return false; // every worker is busy; a finishing worker wakes the loop
        }
        Optional<EvaluationJob> job;
        try {
            // An engine that is down would fail every attempt it is given: leave the trials queued.
            job = sandbox.ping() ? trials.claimNext(instance.id(), Instant.now().plus(lease)) : Optional.empty();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        if (job.isEmpty()) {
            slots.release();
            return false;
        }
        evaluating.put(job.get().trialId(), job.get());
        workers.submit(() -> {
            try {
                process(job.get());
            } finally {
                evaluating.remove(job.get().trialId());
                sandbox.releaseTrial(job.get().campaignId(), job.get().number());
                slots.release();
                dispatcher.wake();
            }
        });
        return true;
    }

    /**
     * One heartbeat: renew this server's leases, kill the attempts it must stop, re-queue trials
     * whose servers stopped renewing theirs, and remove the containers that belong to no attempt: this
     * server's that it is not evaluating, and on a shared engine, those of servers that lost their lease.
     */
    private boolean beat() {
        Map<Long, Integer> attempts = new HashMap<>();
        evaluating.forEach((id, job) -> attempts.put(id, job.attempt()));
        for (Long id : trials.renewLeases(instance.id(), attempts, Instant.now().plus(lease))) {
            EvaluationJob job = evaluating.get(id);
            if (job != null) {
                stopQuietly(job);
            }
        }
        int recovered = trials.recoverExpired(Instant.now());
        if (recovered > 0) {
            LOG.infof("re-queued %d trials whose servers stopped renewing their leases", recovered);
            dispatcher.wake();
        }
        if (sandbox.ping()) {
            Set<String> busy = new HashSet<>();
            evaluating.values().forEach(job -> busy.add(Sandbox.trialKey(job.campaignId(), job.number())));
            int removed = sandbox.removeStrays(busy, () -> trials.liveLeases(Instant.now()));
            if (removed > 0) {
                LOG.infof("removed %d containers and volumes that no running attempt owns", removed);
            }
        }
        return false;
    }

    /** Stops an attempt that was cancelled or taken over: kills its containers and refuses new ones. */
    private void stopQuietly(EvaluationJob job) {
        try {
            if (sandbox.stopTrial(job.campaignId(), job.number())) {
                LOG.infof("campaign %d trial %d attempt %d was cancelled or taken over: stopped its containers",
                        job.campaignId(), job.number(), job.attempt());
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not kill the containers of trial %d of campaign %d: %s", job.number(), job.campaignId(),
                    e.getMessage());
        }
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
        } catch (AttemptStopped e) {
            LOG.infof("campaign %d trial %d attempt %d ended: %s", job.campaignId(), job.number(), job.attempt(),
                    e.getMessage());
            return;
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
            } catch (AttemptStopped e) {
                LOG.infof("campaign %d trial %d ended in confirmation round %d: %s", job.campaignId(), job.number(),
                        planned.round(), e.getMessage());
                return;
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
