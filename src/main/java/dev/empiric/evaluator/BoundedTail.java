package dev.empiric.evaluator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@code limit} bytes written to it, and how many were dropped before them. */
final class BoundedTail {

    private final int limit;
    private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long dropped;

    BoundedTail(int limit) {
        this.limit = limit;
    }

    synchronized void append(byte[] bytes) {
        buffer.writeBytes(bytes);
        if (buffer.size() > 2 * limit) {
            byte[] all = buffer.toByteArray();
            dropped += all.length - limit;
            buffer = new ByteArrayOutputStream();
            buffer.write(all, all.length - limit, limit);
        }
    }

    @Override
    public synchronized String toString() {
        byte[] all = buffer.toByteArray();
        int start = Math.max(0, all.length - limit);
        long skipped = dropped + start;
        String text = new String(all, start, all.length - start, StandardCharsets.UTF_8);
        return skipped > 0 ? "[... " + skipped + " earlier bytes dropped ...]\n" + text : text;
    }
}
