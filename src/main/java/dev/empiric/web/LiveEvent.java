package dev.empiric.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.empiric.Json;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.runner.RunnerTurn;
import dev.empiric.trial.TrialLogs;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event as the live stream writes it in an SSE {@code data:} line (docs/api.md, "Live events"):
 * an entry of the campaign's event log, with its id, or a transient announcement without one (a
 * runner's turn, a section added to a trial's log), which only the server that saw it sends.
 *
 * @param id the event's id in the log, also the SSE {@code id:}; null for a transient event
 * @param seq its place in the campaign's hash chain; null for a transient event
 * @param number the trial it is about, if any
 * @param payload the event's facts, exactly as logged
 */
public record LiveEvent(Long id, long campaignId, Long seq, String type, Integer number, Instant at, String actor,
        JsonNode payload) {

    /** Wire types of the transient announcements; never in the log. */
    public static final String RUNNER_TURN = "runner.turn";
    public static final String TRIAL_LOG = "trial.log";

    static LiveEvent of(CampaignEvent event) {
        return new LiveEvent(event.id, event.campaignId, event.seq, event.type, event.trialNumber, event.at,
                event.actor, Json.read(event.payload, JsonNode.class));
    }

    static LiveEvent of(RunnerTurn.Turn turn) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("run", turn.runId());
        payload.put("specialist", turn.specialist());
        payload.put("phase", turn.phase());
        return announcement(turn.campaignId(), RUNNER_TURN, turn.number(), turn.at(), "runner:" + turn.runId(), payload);
    }

    static LiveEvent of(TrialLogs.Appended section) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("heading", section.heading());
        payload.put("bytes", section.bytes());
        return announcement(section.campaignId(), TRIAL_LOG, section.number(), Instant.now(), "server", payload);
    }

    private static LiveEvent announcement(long campaignId, String type, Integer number, Instant at, String actor,
            Map<String, Object> payload) {
        return new LiveEvent(null, campaignId, null, type, number, at.truncatedTo(ChronoUnit.MILLIS), actor,
                Json.MAPPER.valueToTree(payload));
    }

    String json() {
        return Json.write(this);
    }
}
