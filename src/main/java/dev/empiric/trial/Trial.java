package dev.empiric.trial;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;

/**
 * One trial: a hypothesis and its diff (committed to the campaign's git repository), and the
 * evaluator-owned outcome. Rows are never deleted; a trial that was refused or failed keeps its
 * record and label, so the trajectory stays complete.
 */
@Entity
public class Trial extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "campaign_id", nullable = false)
    public Long campaignId;

    /** Per-campaign sequence; 0 is the baseline. */
    public int number;

    @Column(name = "parent_number")
    public Integer parentNumber;

    public String specialist;
    public String hypothesis;

    @Column(name = "expected_delta")
    public Double expectedDelta;

    /** The diff exactly as submitted; the commit holds what was applied. */
    public String diff;

    @Column(name = "commit_id")
    public String commitId;

    @Enumerated(EnumType.STRING)
    public TrialState state;

    @Enumerated(EnumType.STRING)
    public Label label;

    public Double score;

    @Column(name = "score_std")
    public Double scoreStd;

    /** JSON object of metric name to value (means over seeds, spreads, harness metrics). */
    public String metrics;

    @Column(name = "delta_vs_best")
    public Double deltaVsBest;

    /** The incumbent this trial was judged against. */
    @Column(name = "best_at_judgement")
    public Integer bestAtJudgement;

    public String notes;

    /** The lineage state a runner's specialist saw when it proposed this trial (run, best, trial counts). */
    @Column(name = "proposed_from")
    public String proposedFrom;

    @Column(name = "submitted_at")
    public Instant submittedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** A retried trial waits until then before it is picked up again. */
    @Column(name = "not_before")
    public Instant notBefore;

    @Column(name = "recipe_seconds")
    public Double recipeSeconds;

    @Column(name = "scoring_seconds")
    public Double scoringSeconds;

    @Column(name = "artifact_bytes")
    public Long artifactBytes;

    public int attempts;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Version
    public long version;

    public static Optional<Trial> findByNumber(long campaignId, int number) {
        return find("campaignId = ?1 and number = ?2", campaignId, number).firstResultOptional();
    }

    public void appendNote(String note) {
        notes = notes == null || notes.isBlank() ? note : notes + "\n" + note;
    }
}
