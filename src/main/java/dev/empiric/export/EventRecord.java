package dev.empiric.export;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.campaign.EventLog;

/**
 * One entry of the campaign's own event log ({@code campaign.EventLog}), exported exactly as the
 * server stored and hashed it, as a line of {@code events.jsonl}: what happened (a trial submitted,
 * rejected, started, an attempt failed and was retried, a trial finished or was cancelled, the best
 * changed, the runner started, stopped or ended, a proposal failed), to which trial, by whom, when.
 * An auditor recomputes the server's chain from these fields alone (docs/audit.md):
 * {@code hash = SHA-256(prev_hash \n seq \n type \n trial (or empty) \n actor \n at \n payload)}.
 *
 * @param seq per-campaign sequence, from 1 without gaps
 * @param type for example {@code trial.submitted}, {@code trial.attempt_failed}, {@code runner.ended}
 * @param trial the trial number the event concerns, or null
 * @param actor who caused it: an API token's name, {@code runner:<id>}, {@code server}
 * @param at when, as it entered the hash: UTC with milliseconds ({@code 2026-11-22T06:00:00.000Z})
 * @param payload the event's facts: the JSON text byte for byte as stored and hashed
 * @param prevHash the previous event's hash; 64 zeros for the first
 * @param hash this event's hash, as the server computed it when it appended the event
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventRecord(long seq, String type, Integer trial, String actor, String at, String payload,
        String prevHash, String hash) {

    public static EventRecord of(CampaignEvent event) {
        return new EventRecord(event.seq, event.type, event.trialNumber, event.actor, EventLog.formatAt(event.at),
                event.payload, event.prevHash, event.hash);
    }

    /** The hash these fields give under the server's rule; equal to {@link #hash} unless the event was altered. */
    String recomputedHash() {
        return EventLog.hash(prevHash, seq, type, trial, actor, at, payload);
    }
}
