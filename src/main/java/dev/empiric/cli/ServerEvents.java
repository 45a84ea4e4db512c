package dev.empiric.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a Server-Sent Events stream as the HTML standard defines it: {@code id:}, {@code event:},
 * {@code data:} (several lines joined by newlines) and {@code retry:} fields, an event dispatched at
 * each blank line, comments ({@code :heartbeat}) ignored.
 */
final class ServerEvents {

    /** One dispatched event; {@code id} is null for events without one (transient announcements). */
    record Event(String id, String type, String data) {}

    private String lastId;
    private long retryMillis = 2000;

    ServerEvents(String lastId) {
        this.lastId = lastId;
    }

    /** The id of the last event seen with one: what a reconnect sends as Last-Event-ID. */
    String lastId() {
        return lastId;
    }

    long retryMillis() {
        return retryMillis;
    }

    /** Reads events until the stream ends; returns normally at its end, so the caller may reconnect. */
    void read(InputStream stream, Consumer<Event> handler) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        String id = null;
        String type = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    if (id != null) {
                        lastId = id;
                    }
                    handler.accept(new Event(id, type == null ? "message" : type, data.toString()));
                }
                id = null;
                type = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> {
                    if (value.matches("\\d{1,9}")) {
                        retryMillis = Long.parseLong(value);
                    }
                }
                default -> { } // unknown fields are ignored, as the standard says
            }
        }
    }
}
