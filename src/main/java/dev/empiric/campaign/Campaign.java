package dev.empiric.campaign;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;

/**
 * One lineage on one environment, with its own git repository, its incumbent best trial and its
 * event log. Its row is also the campaign's lock: everything that changes the lineage (a trial
 * number, the incumbent, an event appended) happens under it, so none of those ever race.
 */
@Entity
public class Campaign extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;
    public String environment;

    /** Content hash of the environment when the campaign was created. */
    @Column(name = "environment_hash")
    public String environmentHash;

    @Enumerated(EnumType.STRING)
    public CampaignStatus status;

    /** {@link CampaignSettings} as JSON. */
    public String settings;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The number the next submitted trial gets. */
    @Column(name = "next_number")
    public int nextNumber;

    @Column(name = "best_number")
    public Integer bestNumber;

    @Column(name = "best_score")
    public Double bestScore;

    @Column(name = "baseline_score")
    public Double baselineScore;

    /**
     * The current noise estimate: how much the incumbent's score moves when only the seed changes
     * (pooled as {@code trial.NoiseEstimate} says); null until two seed sets of some incumbent are measured.
     */
    @Column(name = "noise_floor")
    public Double noiseFloor;

    /** What the noise estimate is made of: every incumbent's seed-set scores, as JSON ({@code trial.NoiseEstimate}). */
    @Column(name = "noise_sources")
    public String noiseSources;

    /** The sequence number of the last event in the campaign's log (0: none yet). */
    @Column(name = "last_event_seq")
    public long lastEventSeq;

    /** The hash of the last event, which the next one chains to. */
    @Column(name = "last_event_hash")
    public String lastEventHash;

    /** {@link ImportOrigin} as JSON for an IMPORTED campaign; null for a campaign run here. */
    @Column(name = "imported_from")
    public String importedFrom;

    @Version
    public long version;

    /** Where an imported campaign's trials came from; empty for a campaign run on this server. */
    public Optional<ImportOrigin> importOrigin() {
        return importedFrom == null ? Optional.empty() : Optional.of(ImportOrigin.fromJson(importedFrom));
    }

    public CampaignSettings parsedSettings() {
        return CampaignSettings.fromJson(settings);
    }

    /** The campaign, or {@link UnknownCampaign}. */
    public static Campaign require(long id) {
        return Campaign.<Campaign>findByIdOptional(id).orElseThrow(() -> new UnknownCampaign(id));
    }

    /**
     * The campaign under its row lock, for changes to its lineage; or {@link UnknownCampaign}. A copy
     * this transaction read earlier without the lock is read again under it: another transaction may
     * have committed a change since (a baseline finishing while a token is revoked), and locking the
     * old copy would fail its version check instead of waiting for the row.
     */
    public static Campaign lock(long id) {
        Campaign campaign = Campaign.findById(id);
        if (campaign == null) {
            throw new UnknownCampaign(id);
        }
        EntityManager em = getEntityManager();
        if (em.getLockMode(campaign) != LockModeType.PESSIMISTIC_WRITE) {
            em.flush(); // what this transaction changed is written first, so the refresh cannot drop it
            em.refresh(campaign, LockModeType.PESSIMISTIC_WRITE);
        }
        return campaign;
    }
}
