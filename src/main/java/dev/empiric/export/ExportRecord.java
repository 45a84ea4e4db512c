package dev.empiric.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One trial as exported: a line of {@code trials.jsonl}, in RFC 8785 canonical form with snake_case
 * names (docs/audit.md lists every field). Together the lines form a hash chain
 * ({@link #prevSha256}), and the signed checkpoint's Merkle root commits to all of them.
 *
 * <p>The server fills the facts; the {@link ExportWriter} fills what it computes from the files it
 * exports ({@link #diffSha256}, {@link #tree} when absent, {@link #logSha256}, {@link #prevSha256}),
 * so a hash in a record always matches the exported bytes. {@link #proposerViewSha256} is the
 * server's: what it stored the view under, and the writer checks the view's text against it.
 *
 * @param number per-campaign sequence; 0 is the baseline
 * @param parent the trial whose commit this trial's diff was applied to (null for the baseline)
 * @param diffSha256 SHA-256 of the diff as submitted ({@code diffs/<number>.diff}); null without a diff
 * @param commit the trial's git commit ({@code refs/trials/<number>} in {@code repo.bundle}); null when
 *     the diff was refused before it became a commit
 * @param tree the commit's tree: the exact code that was run
 * @param sourceStatus for imported runs, the status as the original harness wrote it
 * @param reason why the trial got its label (the evaluator's and keep rule's notes)
 * @param judgement what a KEEP or DISCARD was decided against
 * @param proposerViewSha256 SHA-256 of the lineage view or prompt its proposer was shown
 *     ({@code views/<hash>.md}); null when the server did not see it (external agents)
 * @param logSha256 SHA-256 of the trial's bounded log ({@code logs/<number>.log}); null without a log
 * @param prevSha256 SHA-256 of the previous record's line; null for the first record
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExportRecord(int number, Integer parent, String specialist, String hypothesis, Double expectedDelta,
        String diffSha256, String commit, String tree, TrialState state, Label label, String sourceStatus,
        String reason, Double score, Double scoreStd, Map<String, Double> metrics, Long artifactBytes,
        Judgement judgement, Timings timings, int attempts, String proposerViewSha256, String logSha256,
        String prevSha256) {

    /**
     * The incumbent a scored trial was judged against, and the rule's parameters at that moment:
     * KEEP iff the trial's improvement on {@code incumbentScore} (in the goal's direction) exceeds
     * {@code keepThreshold}, which is max(min_delta, z × {@code noiseFloor}); or, when the campaign
     * confirms gains on fresh seeds, iff its {@code confirmation} (the server's record of the paired
     * rounds and their test, as stored, camelCase; docs/labels.md) ended CONFIRMED, which a verifier
     * recomputes from the rounds.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Judgement(Integer incumbent, Double incumbentScore, Double noiseFloor, Double keepThreshold,
            JsonNode confirmation) {
        public static final Judgement NONE = new Judgement(null, null, null, null);

        /** A judgement by the threshold alone, without a confirmation. */
        public Judgement(Integer incumbent, Double incumbentScore, Double noiseFloor, Double keepThreshold) {
            this(incumbent, incumbentScore, noiseFloor, keepThreshold, null);
        }
    }

    /** When the trial was submitted, first started and finished, and how long its two containers ran. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Timings(Instant submittedAt, Instant startedAt, Instant finishedAt, Double recipeSeconds,
            Double scoringSeconds) {

        /** Exported with microseconds (as databases keep them); held so, the record equals its line. */
        public Timings {
            submittedAt = micros(submittedAt);
            startedAt = micros(startedAt);
            finishedAt = micros(finishedAt);
        }
    }

    static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    public ExportRecord {
        if (number < 0 || parent != null && parent < 0) {
            throw new IllegalArgumentException("trial numbers are 0 or more, not " + (number < 0 ? number : parent));
        }
        metrics = metrics == null ? Map.of() : new TreeMap<>(metrics);
        judgement = judgement == null ? Judgement.NONE : judgement;
        timings = timings == null ? new Timings(null, null, null, null, null) : timings;
        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
            finite(number, "metric " + metric.getKey(), metric.getValue());
        }
        finite(number, "score", score);
        finite(number, "score_std", scoreStd);
        finite(number, "expected_delta", expectedDelta);
        finite(number, "incumbent_score", judgement.incumbentScore());
        finite(number, "noise_floor", judgement.noiseFloor());
        finite(number, "keep_threshold", judgement.keepThreshold());
        finite(number, "recipe_seconds", timings.recipeSeconds());
        finite(number, "scoring_seconds", timings.scoringSeconds());
    }

    /** The record with what the writer computed from the exported files. */
    ExportRecord withDerived(String diffSha256, String tree, String logSha256, String prevSha256) {
        return new ExportRecord(number, parent, specialist, hypothesis, expectedDelta, diffSha256, commit, tree, state,
                label, sourceStatus, reason, score, scoreStd, metrics, artifactBytes, judgement, timings, attempts,
                proposerViewSha256, logSha256, prevSha256);
    }

    /** The paper's status column: the label in lower case, or the state of a trial without one. */
    public String status() {
        return label != null ? LOWER_LABELS.get(label) : state != null ? LOWER_STATES.get(state) : "unknown";
    }

    private static final Map<Label, String> LOWER_LABELS = lowerCase(Label.class);
    private static final Map<TrialState, String> LOWER_STATES = lowerCase(TrialState.class);

    private static <E extends Enum<E>> Map<E, String> lowerCase(Class<E> type) {
        Map<E, String> names = new java.util.EnumMap<>(type);
        for (E constant : type.getEnumConstants()) {
            names.put(constant, constant.name().toLowerCase(java.util.Locale.ROOT));
        }
        return names;
    }

    /** Whether the trial holds (or held) the best place: the baseline or a KEEP, with a score. */
    public boolean kept() {
        return (label == Label.BASELINE || label == Label.KEEP) && score != null;
    }

    private static void finite(int number, String field, Double value) {
        if (value != null && !Double.isFinite(value)) {
            throw new IllegalArgumentException("trial " + number + ": " + field + " is " + value
                    + ", which JSON cannot hold");
        }
    }
}
