package dev.empiric.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * One entry of a campaign's append-only event log, as exported in {@code events.jsonl}: what
 * happened (a trial submitted, rejected, claimed, started, an attempt failed and was retried, a
 * trial finished or was cancelled, the runner started, stopped or ended, a proposal failed), to
 * which trial, by whom, when. A retry or a relabel is a new event, never an edit of an old one.
 *
 * @param seq per-campaign sequence, from 1 without gaps
 * @param type for example {@code trial.submitted}, {@code trial.attempt_failed}, {@code runner.ended}
 * @param trial the trial number the event concerns, or null
 * @param actor who caused it: a specialist, {@code evaluator}, {@code runner}, {@code api}
 * @param payload event details (label, attempt, error, ...); any JSON object
 * @param prevSha256 SHA-256 of the previous event's canonical line; filled by the writer
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventRecord(long seq, String type, Integer trial, String actor, Instant at, JsonNode payload,
        String prevSha256) {

    public EventRecord {
        at = TrialRecord.micros(at);
    }

    EventRecord chainedTo(String previous) {
        return new EventRecord(seq, type, trial, actor, at, payload, previous);
    }
}
