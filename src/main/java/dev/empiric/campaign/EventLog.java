package dev.empiric.campaign;

import dev.empiric.Json;
import dev.empiric.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A campaign's append-only event log with a hash chain: the audit trail of who submitted what, when
 * it ran, how it ended, and what the runner did; the live stream the UI and API clients follow; and
 * part of the verifiable export. Appending happens inside the caller's transaction and under the
 * campaign's row lock, so an event exists exactly when the change it describes was committed, and
 * the chain's order is the commit order. After the commit, the appended event is announced to local
 * observers ({@link Appended}) for live updates.
 *
 * <p>Hash of an event = SHA-256 (hex) of the UTF-8 text
 * {@code prevHash \n seq \n type \n trialNumber (or empty) \n actor \n at \n payload}, where
 * {@code at} is ISO-8601 UTC with milliseconds ({@code 2026-11-22T06:00:00.000Z}), {@code payload}
 * is the stored JSON text byte for byte, and the first event's {@code prevHash} is 64 zeros.
 * docs/audit.md shows how to recompute it.
 */
@ApplicationScoped
public class EventLog {

    public static final String GENESIS = "0".repeat(64);
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** An event just committed to the log, as announced to observers after the transaction commits. */
    public record Appended(long id, long campaignId, long seq, String type, Integer trialNumber, String actor,
            Instant at, String payload) {

        public static Appended of(CampaignEvent event) {
            return new Appended(event.id, event.campaignId, event.seq, event.type, event.trialNumber, event.actor,
                    event.at, event.payload);
        }
    }

    private final Event<Appended> announcements;

    EventLog(Event<Appended> announcements) {
        this.announcements = announcements;
    }

    /**
     * Appends one event to the campaign's log; must run in the transaction that makes the change it
     * records. {@code payload} keys are written in sorted order, so the stored text is stable.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public CampaignEvent append(long campaignId, EventType type, Integer trialNumber, String actor,
            Map<String, ?> payload) {
        Campaign campaign = Campaign.lock(campaignId);
        CampaignEvent event = new CampaignEvent();
        event.campaignId = campaignId;
        event.seq = campaign.lastEventSeq + 1;
        event.type = type.wireName();
        event.trialNumber = trialNumber;
        event.actor = actor;
        event.at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        event.payload = Json.write(new TreeMap<>(payload));
        event.prevHash = campaign.lastEventHash == null ? GENESIS : campaign.lastEventHash;
        event.hash = hash(event.prevHash, event.seq, event.type, event.trialNumber, event.actor, event.at, event.payload);
        event.persist();
        campaign.lastEventSeq = event.seq;
        campaign.lastEventHash = event.hash;
        announcements.fire(Appended.of(event));
        return event;
    }

    /** The campaign's events after {@code afterId} (the id of an event, as SSE's Last-Event-ID), oldest first. */
    public List<CampaignEvent> after(long campaignId, long afterId, int limit) {
        // Ordered as the (campaign_id, id) index is, so the database reads only the page, not the rest of the log.
        return CampaignEvent.<CampaignEvent>find("campaignId = ?1 and id > ?2 order by campaignId, id", campaignId,
                afterId).page(0, limit).list();
    }

    /** The campaign's newest event, if it has any: the one its row names as the end of the chain. */
    public Optional<CampaignEvent> latest(long campaignId) {
        return CampaignEvent.<CampaignEvent>find(
                "campaignId = ?1 and seq = (select c.lastEventSeq from Campaign c where c.id = ?1)", campaignId)
                .firstResultOptional();
    }

    /**
     * The campaign's events with {@code afterSeq < seq <= untilSeq}, in chain order, at most
     * {@code limit}: pages of the log for readers that go through all of it (the export).
     */
    public List<CampaignEvent> range(long campaignId, long afterSeq, long untilSeq, int limit) {
        return CampaignEvent.<CampaignEvent>find("campaignId = ?1 and seq > ?2 and seq <= ?3 order by seq", campaignId,
                afterSeq, untilSeq).page(0, limit).list();
    }

    public static String hash(String prevHash, long seq, String type, Integer trialNumber, String actor, Instant at,
            String payload) {
        return hash(prevHash, seq, type, trialNumber, actor, AT.format(at), payload);
    }

    /** The same rule over {@code at} as already formatted (as exported), so verifiers need no clock arithmetic. */
    public static String hash(String prevHash, long seq, String type, Integer trialNumber, String actor, String at,
            String payload) {
        String text = prevHash + "\n" + seq + "\n" + type + "\n" + (trialNumber == null ? "" : trialNumber) + "\n"
                + actor + "\n" + at + "\n" + payload;
        return Sha256.hex(text);
    }

    /** An event payload from key/value pairs, leaving out null values. */
    public static Map<String, Object> payload(Object... keysAndValues) {
        Map<String, Object> payload = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                payload.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return payload;
    }

    /** The timestamp as it enters the hash (UTC, milliseconds). */
    public static String formatAt(Instant at) {
        return AT.format(at);
    }
}
