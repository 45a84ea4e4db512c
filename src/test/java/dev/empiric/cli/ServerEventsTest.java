package dev.empiric.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The SSE reader: fields, multi-line data, comments, events without ids, and the id to resume from. */
@Tag("unit")
class ServerEventsTest {

    @Test
    void eventsAreDispatchedAtBlankLinesAndTheLastIdIsKept() throws Exception {
        String stream = """
                : campaign 3, events after 0
                retry: 1500

                id: 7
                event: trial.finished
                data: {"number": 1,
                data: "type": "trial.finished"}

                :heartbeat
                event: runner.turn
                data: {"number": 2}

                id:9
                data:plain

                id: 10
                event: never.dispatched
                """;
        List<ServerEvents.Event> seen = new ArrayList<>();
        ServerEvents events = new ServerEvents(null);
        events.read(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), seen::add);
        assertEquals(List.of(
                new ServerEvents.Event("7", "trial.finished", "{\"number\": 1,\n\"type\": \"trial.finished\"}"),
                new ServerEvents.Event(null, "runner.turn", "{\"number\": 2}"),
                new ServerEvents.Event("9", "message", "plain")), seen);
        assertEquals("9", events.lastId(), "an event without an id keeps the last one; an undispatched one does not count");
        assertEquals(1500, events.retryMillis());
    }
}
