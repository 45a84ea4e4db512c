package dev.empiric.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal Server-Sent Events reader for tests, written from the format's definition rather than
 * taken from the server's own stack: blocks of {@code field: value} lines separated by a blank line,
 * lines starting with ':' being comments. Each block (an event, or a comment on its own) is queued
 * as it arrives, so a test can wait for the next one with a deadline.
 */
public final class SseClient implements AutoCloseable {

    /** One block of the stream; {@code comment} holds its comment lines (heartbeats), joined. */
    public record Block(String id, String event, String data, String comment, String retry) {
        public boolean isComment() {
            return data == null && comment != null;
        }
    }

    private static final Block END = new Block(null, null, null, null, null);

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Block> blocks = new LinkedBlockingQueue<>();
    private final Thread reader;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /** Opens {@code url} with these request headers. */
    public static SseClient open(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            return new SseClient(HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    /** The next block, or an AssertionError when none comes within {@code patience}. */
    public Block next(Duration patience) {
        try {
            Block block = blocks.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
            if (block == null) {
                throw new AssertionError("no event within " + patience);
            }
            if (block == END) {
                throw new AssertionError("the stream ended");
            }
            return block;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next block that is an event (not a comment). */
    public Block nextEvent(Duration patience) {
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            Block block = next(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            if (!block.isComment()) {
                return block;
            }
        }
    }

    private void read() {
        String id = null;
        String event = null;
        String retry = null;
        List<String> data = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext();) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty() || !comments.isEmpty() || id != null || retry != null) {
                        blocks.add(new Block(id, event, data.isEmpty() ? null : String.join("\n", data),
                                comments.isEmpty() ? null : String.join("\n", comments), retry));
                    }
                    id = null;
                    event = null;
                    retry = null;
                    data = new ArrayList<>();
                    comments = new ArrayList<>();
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "" -> comments.add(value);
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data.add(value);
                    case "retry" -> retry = value;
                    default -> { }
                }
            }
        } catch (RuntimeException e) {
            // closed by the test
        } finally {
            blocks.add(END);
        }
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
