package dev.empiric.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Follows a campaign live over its event stream ({@code GET /api/campaigns/{id}/events}): one line per
 * trial as it ends. A dropped connection is resumed with the last event id, so nothing is missed.
 */
@Command(name = "watch", description = "Follow a campaign live: one line per trial as it ends (--json: every event).")
final class WatchCommand implements Callable<Integer> {

    /** Events after which a trial is settled. */
    private static final Set<String> ENDINGS = Set.of("trial.finished", "trial.cancelled", "trial.rejected");
    private static final int MAX_FAILED_CONNECTS = 5;

    private final Empiric empiric;

    @Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id")
    long campaign;

    @Option(names = "--count", paramLabel = "N", description = "stop after N trials have ended")
    Integer count;

    @Option(names = "--since", paramLabel = "EVENT_ID", description = "replay the events after this id first (0: the whole log)")
    String since;

    WatchCommand(Empiric empiric) {
        this.empiric = empiric;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerClient client = empiric.client();
        String path = "/api/campaigns/" + campaign + "/events";
        ServerEvents events = new ServerEvents(since);
        int[] ended = {0};
        int failed = 0;
        if (!empiric.json()) {
            empiric.err().printf("watching campaign %d at %s (Ctrl-C stops)%n", campaign, client.base());
        }
        while (count == null || ended[0] < count) {
            try (InputStream stream = client.open(path, "text/event-stream",
                    events.lastId() == null ? Map.of() : Map.of("Last-Event-ID", events.lastId()))) {
                failed = 0;
                events.read(stream, event -> {
                    if (count != null && ended[0] >= count) {
                        throw new Done();
                    }
                    if (show(client, event)) {
                        ended[0]++;
                    }
                    empiric.out().flush();
                    if (count != null && ended[0] >= count) {
                        throw new Done();
                    }
                });
            } catch (Done done) {
                break;
            } catch (IOException | Failure e) {
                if (e instanceof Failure failure && failure.exitCode() != Empiric.UNREACHABLE) {
                    throw failure;
                }
                if (++failed >= MAX_FAILED_CONNECTS) {
                    throw new Failure(Empiric.UNREACHABLE, "lost the event stream " + failed + " times in a row: " + e.getMessage());
                }
            }
            Thread.sleep(events.retryMillis());
        }
        return 0;
    }

    /** Prints an event; true when it ended a trial. */
    private boolean show(ServerClient client, ServerEvents.Event event) {
        if (empiric.json()) {
            empiric.out().println(event.data());
            return ENDINGS.contains(event.type());
        }
        if (!ENDINGS.contains(event.type())) {
            return false;
        }
        try {
            JsonNode data = Empiric.JSON.readTree(event.data());
            empiric.out().println(TrialCommands.line(client.get("/api/campaigns/" + campaign + "/trials/"
                    + data.path("number").asInt())));
        } catch (IOException e) {
            empiric.out().println(event.type() + " " + event.data());
        }
        return true;
    }

    /** Ends reading the stream once enough trials have ended. */
    private static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }
}
