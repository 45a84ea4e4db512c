package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The durable queue is the trial table itself: a trial is QUEUED until one dispatcher thread claims
 * it and hands it to one of {@code concurrency} workers. Nothing lives only in memory, so a restart
 * loses nothing: on start the server removes the containers its previous run left and re-queues the
 * trials that run interrupted.
 */
@ApplicationScoped
public class EvaluationQueue {

    private static final Logger LOG = Logger.getLogger(EvaluationQueue.class);

    private final TrialService trials;
    private final TrialEvaluator evaluator;
    private final Sandbox sandbox;
    private final int concurrency;
    private final Object signal = new Object();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean running;
    private Semaphore slots;
    private ExecutorService workers;
    private Thread dispatcher;

    EvaluationQueue(TrialService trials, TrialEvaluator evaluator, Sandbox sandbox, EmpiricConfig config) {
        this.trials = trials;
        this.evaluator = evaluator;
        this.sandbox = sandbox;
        this.concurrency = config.evaluator().concurrency();
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
        running = true;
        dispatcher = Thread.ofPlatform().name("empiric-dispatcher").daemon().start(this::dispatch);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wake();
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

    /** Tells the dispatcher that a trial was queued, instead of letting it wait for its next poll. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Trials being evaluated right now. */
    public int busy() {
        return busy.get();
    }

    private void dispatch() {
        while (running) {
            try {
                slots.acquire();
                Optional<EvaluationJob> job = claim();
                if (job.isEmpty()) {
                    slots.release();
                    synchronized (signal) {
                        signal.wait(1000);
                    }
                    continue;
                }
                busy.incrementAndGet();
                workers.submit(() -> {
                    try {
                        process(job.get());
                    } finally {
                        busy.decrementAndGet();
                        slots.release();
                        wake();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("the dispatcher failed to claim a trial; trying again shortly", e);
                sleepQuietly();
            }
        }
    }

    private Optional<EvaluationJob> claim() {
        try {
            return trials.claimNext();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void process(EvaluationJob job) {
        long started = System.nanoTime();
        LOG.infof("evaluating campaign %d trial %d (attempt %d)", job.campaignId(), job.number(), job.attempt());
        Evaluation evaluation;
        try {
            evaluation = evaluator.evaluate(job);
        } catch (RuntimeException e) {
            LOG.warnf(e, "infrastructure failure on campaign %d trial %d", job.campaignId(), job.number());
            evaluation = Evaluation.failed(Label.INFRA_ERROR, "attempt " + job.attempt() + ": " + e.getClass().getSimpleName()
                    + ": " + e.getMessage());
        }
        if (!running) {
            return; // shutting down: the trial stays RUNNING and is re-queued on the next start
        }
        trials.complete(job, evaluation);
        LOG.infof("campaign %d trial %d: %s score %s in %.1f s", job.campaignId(), job.number(),
                evaluation.label() == null ? "scored" : evaluation.label(), evaluation.score(),
                (System.nanoTime() - started) / 1e9);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
