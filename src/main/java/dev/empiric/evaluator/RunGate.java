package dev.empiric.evaluator;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What holds a run's command until the server lets it begin. The container's process is a shell of
 * ours that reads one line from its standard input and runs the command in its place only if the
 * line is {@code open}; the server attaches to that input when it creates the container and writes
 * the line when the run may begin. So a container can be started while the step before it still
 * runs (the preflight before the recipe, the recipe before the scorer): a start costs the engine
 * about as much as the run of a small recipe, and the run's seconds and deadline count from the
 * opening, not from the start. Nothing of the run's own runs before it: the shell is ours, and the
 * recipe's code is only what it execs. If the input closes first (the server died, or the engine
 * dropped the connection), the shell exits 125 without running the command.
 *
 * <p>The engine client reads this stream on a thread of its own and sends what it reads: it blocks
 * until the gate is opened or shut, then gives the line, or nothing.
 */
final class RunGate extends InputStream {

    private static final byte[] OPEN = "open\n".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> SHELL = List.of("sh", "-c",
            "read -r gate && [ \"$gate\" = open ] && exec \"$@\"; exit 125", "empiric-gate");

    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile boolean opened;
    private volatile boolean detached;
    /** How much of the line has been sent; only the engine client's one writer thread reads the stream. */
    private int sent;

    /** Ends when the engine ends the attachment (the container ended or went): the writer thread is let go. */
    final ResultCallback.Adapter<Frame> attachment = new ResultCallback.Adapter<>() {
        @Override
        public void onComplete() {
            detach();
            super.onComplete();
        }

        @Override
        public void onError(Throwable throwable) {
            detach();
            super.onError(throwable);
        }
    };

    /** {@code command} behind the gate. */
    static List<String> behind(List<String> command) {
        List<String> gated = new ArrayList<>(SHELL);
        gated.addAll(command);
        return gated;
    }

    /** Lets the command run; false, sending nothing, when the engine had already ended the attachment. */
    boolean open() {
        if (detached) {
            return false;
        }
        opened = true;
        decided.countDown();
        return true;
    }

    /** The command will never run here: the writer thread ends. */
    void shut() {
        decided.countDown();
    }

    private void detach() {
        detached = true;
        shut();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        try {
            decided.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        if (!opened || sent >= OPEN.length) {
            return -1;
        }
        int count = Math.min(length, OPEN.length - sent);
        System.arraycopy(OPEN, sent, buffer, offset, count);
        sent += count;
        return count;
    }

    /**
     * Shuts the gate, then lets go of the attachment's connection: the engine client keeps it leased
     * from its pool until then, even after the container ended.
     */
    @Override
    public void close() {
        shut();
        try {
            attachment.close();
        } catch (IOException | RuntimeException e) {
            // the connection is gone already
        }
    }
}
