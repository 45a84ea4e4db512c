package dev.empiric.web;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.EventLog;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.ResponseHeader;

/**
 * A campaign's events, live, as Server-Sent Events (docs/api.md, "Live events"): what the web UI
 * follows, and any client may. Each event carries its id in the event log; a client that reconnects
 * with the last id it saw gets everything after it, so nothing is ever missed.
 */
@Path("/api/campaigns/{id}/events")
public class CampaignEventsResource {

    private final EventStreams streams;
    private final EventLog log;

    CampaignEventsResource(EventStreams streams, EventLog log) {
        this.streams = streams;
        this.log = log;
    }

    @GET
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // Compressing a stream would hold events back in the compressor's buffer; proxies must not buffer it either.
    @ResponseHeader(name = "Content-Encoding", value = "identity")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @ResponseHeader(name = "X-Accel-Buffering", value = "no")
    @Operation(summary = "The campaign's events as Server-Sent Events: every event of its log after Last-Event-ID"
            + " (header, or the lastEventId parameter; without either, only new events), then each new one as it"
            + " is committed, transient runner.turn announcements, and a heartbeat comment every 15 s")
    public Multi<OutboundSseEvent> events(@PathParam("id") long id,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @Parameter(description = "the id of the last event the client has (0: the whole log), for clients that"
                    + " cannot set the Last-Event-ID header") @QueryParam("lastEventId") String lastEventIdParameter,
            @Context Sse sse) {
        Campaign.require(id);
        String given = lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader : lastEventIdParameter;
        long after = given == null || given.isBlank()
                ? log.latest(id).map(event -> event.id).orElse(0L)
                : eventId(given);
        return streams.open(id, after, sse);
    }

    private static long eventId(String text) {
        try {
            long id = Long.parseLong(text.strip());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidLastEventId(text);
    }
}
