package dev.empiric;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * A background thread that does one step of work, then waits until it is woken or its tick passes.
 * The evaluation dispatcher and the campaign runner both keep their state in the database and only
 * need a thread that looks again soon; waking it on a local event (a trial queued, a runner started)
 * makes the reaction immediate, and the tick covers changes made elsewhere (another server, a
 * restart). A step that throws is logged and the loop carries on after a tick: one bad step must
 * never stop the loop, and the step itself is responsible for ending anything that keeps failing.
 */
public final class WakeableLoop {

    private static final Logger LOG = Logger.getLogger(WakeableLoop.class);

    private final String name;
    private final Duration tick;
    private final BooleanSupplier step;
    private final Object signal = new Object();
    private volatile boolean running;
    private boolean woken;
    private Thread thread;

    /**
     * @param step does some work; returns true when there may be more to do right away (the loop
     *     then goes on without waiting)
     */
    public WakeableLoop(String name, Duration tick, BooleanSupplier step) {
        this.name = name;
        this.tick = tick;
        this.step = step;
    }

    public synchronized void start() {
        if (thread != null && thread.isAlive()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    /** Stops the loop and waits for the current step to end. */
    public synchronized void stop(Duration patience) {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(patience.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    public boolean running() {
        return running;
    }

    /** Lets the loop take its next step now instead of at its next tick. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            boolean more;
            try {
                more = step.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: a step failed; trying again in %d ms", name, tick.toMillis());
                more = false;
            }
            if (!more && !await()) {
                return;
            }
        }
    }

    private boolean await() {
        synchronized (signal) {
            try {
                if (!woken && running) {
                    signal.wait(tick.toMillis());
                }
                woken = false;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
