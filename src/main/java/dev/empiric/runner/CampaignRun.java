package dev.empiric.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.empiric.Json;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One start of a campaign's runner, and everything needed to continue it after a restart: its
 * budget, its specialists and its state. Progress is never stored here; it is counted from the
 * trial table (this run's specialists, submitted since {@link #startedAt}), so a restart can neither
 * lose nor double-count a trial. Only skipped proposals, which leave no trial, are counted here.
 */
@Entity
@Table(name = "campaign_runner")
public class CampaignRun extends PanacheEntityBase {

    private static final int MAX_REASON = 300;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "campaign_id", nullable = false)
    public Long campaignId;

    @Enumerated(EnumType.STRING)
    public RunnerState state;

    @Enumerated(EnumType.STRING)
    @Column(name = "end_reason")
    public RunnerEnd endReason;

    /** Comma-separated specialist names. */
    public String specialists;

    @Column(name = "max_trials")
    public int maxTrials;

    @Column(name = "max_trials_without_keep")
    public Integer maxTrialsWithoutKeep;

    public Instant deadline;

    public int concurrency;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    /** JSON object: specialist name to the number of turns it had nothing new to propose. */
    public String skips;

    /** JSON object: specialist name to its failed proposals (count and the latest reason). */
    public String failures;

    /**
     * Turns in a row that failed (every asked specialist failed to propose, or the turn itself threw);
     * reset by every submitted trial. Past a limit the run ends instead of spinning.
     */
    @Column(name = "consecutive_failures")
    public int consecutiveFailures;

    /**
     * The server whose turns drive this run (its instance id), and until when: with several servers
     * on one store, only the holder proposes; another takes the run over once the lease runs out.
     */
    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    /** Proposals of one specialist that failed without becoming trials. */
    public record Failures(int count, String lastReason) {}

    @Version
    public long version;

    public static Optional<CampaignRun> latest(long campaignId) {
        return find("campaignId = ?1 order by id desc", campaignId).firstResultOptional();
    }

    public static List<CampaignRun> running() {
        return list("state", RunnerState.RUNNING);
    }

    public List<String> specialistNames() {
        return Arrays.asList(specialists.split(","));
    }

    public Map<String, Integer> skipCounts() {
        return Json.read(skips, new TypeReference<TreeMap<String, Integer>>() {});
    }

    public void countSkip(String specialist) {
        Map<String, Integer> counts = skipCounts();
        counts.merge(specialist, 1, Integer::sum);
        skips = Json.write(counts);
    }

    public Map<String, Failures> failureCounts() {
        return Json.read(failures, new TypeReference<TreeMap<String, Failures>>() {});
    }

    public void countFailure(String specialist, String reason) {
        Map<String, Failures> counts = failureCounts();
        int before = counts.containsKey(specialist) ? counts.get(specialist).count() : 0;
        counts.put(specialist, new Failures(before + 1,
                reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason));
        failures = Json.write(counts);
    }

    /**
     * Takes or renews the run's lease for {@code owner} until {@code now + duration}, unless another
     * server holds a lease that has not run out; returns whether {@code owner} holds it now. A lease
     * with more than half of its time left is not written again, to spare the row a write per turn.
     */
    public boolean lease(String owner, Instant now, Duration duration) {
        boolean mine = owner.equals(leaseOwner);
        if (!mine && leaseOwner != null && leaseUntil != null && leaseUntil.isAfter(now)) {
            return false;
        }
        if (!mine || leaseUntil == null || leaseUntil.isBefore(now.plus(duration.dividedBy(2)))) {
            leaseOwner = owner;
            leaseUntil = now.plus(duration);
        }
        return true;
    }

    public void end(RunnerState finalState, RunnerEnd reason) {
        state = finalState;
        endReason = reason;
        endedAt = Instant.now();
    }
}
