package dev.empiric.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.empiric.Json;
import dev.empiric.campaign.EventLog;
import dev.empiric.support.Api;
import dev.empiric.support.FreshDataDir;
import dev.empiric.support.SseClient;
import dev.empiric.support.SseClient.Block;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The live event stream (docs/api.md, "Live events") read as any API client reads it: raw
 * Server-Sent Events over HTTP. Trials here are diffs the rules refuse, recorded at once without
 * Docker, so every event is known in advance.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class LiveEventsTest {

    private static final Duration SOON = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URL base;

    @Inject
    EventStreams streams;

    @Inject
    EntityManager em;

    private String events(long campaign) {
        return base.toString().replaceAll("/$", "") + "/api/campaigns/" + campaign + "/events";
    }

    private static int submitRefused(long campaign, String hypothesis) {
        String diff = "diff --git a/scorer/score.py b/scorer/score.py\n--- a/scorer/score.py\n+++ b/scorer/score.py\n"
                + "@@ -1 +1 @@\n-a\n+b\n";
        return given().contentType(ContentType.JSON)
                .body(Map.of("hypothesis", hypothesis, "diff", diff, "specialist", "probe"))
                .post("/api/campaigns/{id}/trials", campaign).then().statusCode(202).extract().jsonPath().getInt("number");
    }

    @Test
    void theWholeLogIsReplayedWithIdsAndNewEventsArriveAsTheyAreCommitted() {
        long campaign = Api.createCampaign("digits", null);
        int first = submitRefused(campaign, "first <b>refused</b>");
        try (SseClient stream = SseClient.open(events(campaign) + "?lastEventId=0", Map.of("Accept-Encoding", "gzip"))) {
            assertEquals(200, stream.response().statusCode());
            assertTrue(stream.response().headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertTrue(stream.response().headers().firstValue("Content-Encoding").orElse("identity").equals("identity"),
                    "an event stream must not be compressed");
            Block greeting = stream.next(SOON);
            assertTrue(greeting.isComment(), greeting.toString());
            assertEquals("2000", greeting.retry());

            Block created = stream.nextEvent(SOON);
            assertEquals("campaign.created", created.event());
            JsonNode data = Json.read(created.data(), JsonNode.class);
            assertEquals(Long.parseLong(created.id()), data.get("id").asLong());
            assertEquals(campaign, data.get("campaignId").asLong());
            assertEquals(1, data.get("seq").asLong());
            assertEquals("campaign.created", data.get("type").asText());
            assertTrue(data.get("number").isNull());
            assertEquals("admin", data.get("actor").asText(), "the name of the token that wrote it");
            assertNotNull(Instant.parse(data.get("at").asText()));
            assertEquals("digits", data.get("payload").get("environment").asText());

            Block baseline = stream.nextEvent(SOON);
            assertEquals("trial.submitted", baseline.event());
            assertEquals(0, Json.read(baseline.data(), JsonNode.class).get("number").asInt());
            Block refused = nextOfType(stream, "trial.rejected");
            JsonNode refusedData = Json.read(refused.data(), JsonNode.class);
            assertEquals(first, refusedData.get("number").asInt());
            assertEquals("ILLEGAL_EDIT", refusedData.get("payload").get("label").asText());
            assertTrue(Long.parseLong(refused.id()) > Long.parseLong(created.id()), "ids grow with the log");

            // The loop also looks at the database every second: five events in a row, nearly all well
            // within that, show that a commit wakes it (one slow delivery is allowed for a loaded machine;
            // with only the tick, about four in five runs of this test would fail).
            List<Long> slow = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int number = submitRefused(campaign, "live " + i);
                long committed = System.nanoTime();
                Block live = nextOfType(stream, "trial.rejected");
                assertEquals(number, Json.read(live.data(), JsonNode.class).get("number").asInt());
                long millis = Duration.ofNanos(System.nanoTime() - committed).toMillis();
                if (millis >= 500) {
                    slow.add(millis);
                }
            }
            assertTrue(slow.size() <= 1, "a committed event is pushed at once, not at the next tick: " + slow + " ms");
        }
    }

    @Test
    void aClientThatReconnectsWithItsLastEventIdMissesNothing() {
        long campaign = Api.createCampaign("digits", null);
        String lastId;
        try (SseClient stream = SseClient.open(events(campaign), Map.of())) {
            stream.next(SOON); // the greeting: without Last-Event-ID the stream starts after the newest event
            submitRefused(campaign, "seen live");
            Block seen = nextOfType(stream, "trial.rejected");
            lastId = seen.id();
        }
        awaitStreams(0);

        int missedA = submitRefused(campaign, "missed while away");
        int missedB = submitRefused(campaign, "missed too");
        try (SseClient header = SseClient.open(events(campaign), Map.of("Last-Event-ID", lastId));
                SseClient parameter = SseClient.open(events(campaign) + "?lastEventId=" + lastId, Map.of())) {
            for (SseClient stream : List.of(header, parameter)) {
                List<Integer> numbers = new ArrayList<>();
                numbers.add(Json.read(stream.nextEvent(SOON).data(), JsonNode.class).get("number").asInt());
                numbers.add(Json.read(stream.nextEvent(SOON).data(), JsonNode.class).get("number").asInt());
                assertEquals(List.of(missedA, missedB), numbers);
            }
        }
    }

    @Test
    void eventsCommittedByAnotherServerArriveOnTheTick() {
        long campaign = Api.createCampaign("digits", null);
        try (SseClient stream = SseClient.open(events(campaign), Map.of())) {
            stream.next(SOON);
            // Another process sharing the database writes a row; this server hears nothing of it.
            long id = QuarkusTransaction.requiringNew().call(() -> {
                em.createNativeQuery("insert into campaign_event (campaign_id, seq, type, trial_number, actor, at,"
                        + " payload, prev_hash, hash) values (?1, 1000, 'runner.started', null, 'runner:elsewhere', ?2,"
                        + " '{}', ?3, ?3)").setParameter(1, campaign).setParameter(2, Instant.now())
                        .setParameter(3, EventLog.GENESIS).executeUpdate();
                return ((Number) em.createNativeQuery("select max(id) from campaign_event where campaign_id = ?1")
                        .setParameter(1, campaign).getSingleResult()).longValue();
            });
            // The baseline's own events (its log sections, its start) may come first.
            Block elsewhere = nextOfType(stream, "runner.started");
            assertEquals(Long.toString(id), elsewhere.id());
        }
    }

    @Test
    void aQuietStreamSendsHeartbeatsAndAVanishedClientIsDropped() {
        long campaign = Api.createCampaign("digits", null);
        int before = streams.openStreams();
        try (SseClient stream = SseClient.open(events(campaign), Map.of())) {
            stream.next(SOON);
            assertEquals(before + 1, streams.openStreams());
            // The baseline may still be running and sending events: the heartbeat comes after 15 s of silence.
            long last = System.nanoTime();
            Block heartbeat;
            while (true) {
                heartbeat = stream.next(EventStreams.HEARTBEAT.plusSeconds(60));
                if (heartbeat.isComment() && "heartbeat".equals(heartbeat.comment())) {
                    break;
                }
                last = System.nanoTime();
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - last).compareTo(EventStreams.HEARTBEAT.minusSeconds(1)) >= 0,
                    "a heartbeat only after a silence");
            assertNull(heartbeat.id(), "a heartbeat moves no client's Last-Event-ID");
            assertNull(heartbeat.data());
        }
        awaitStreams(before);
    }

    @Test
    void anUnknownCampaignOrABadLastEventIdIsAProblemNotAStream() {
        given().accept("text/event-stream").get("/api/campaigns/999999/events").then().statusCode(404)
                .contentType("application/problem+json");
        long campaign = Api.createCampaign("digits", null);
        given().accept("text/event-stream").header("Last-Event-ID", "yesterday").get("/api/campaigns/{id}/events", campaign)
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("Last-Event-ID"));
        given().accept("text/event-stream").get("/api/campaigns/{id}/events?lastEventId=-3", campaign).then().statusCode(400);
    }

    private static Block nextOfType(SseClient stream, String type) {
        while (true) {
            Block block = stream.nextEvent(SOON);
            if (type.equals(block.event())) {
                return block;
            }
        }
    }

    /** Waits until the server has dropped the streams of clients that went away. */
    private void awaitStreams(int count) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (streams.openStreams() != count && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertEquals(count, streams.openStreams(), "streams of clients that went away are dropped");
    }
}
