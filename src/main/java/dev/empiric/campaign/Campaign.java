package dev.empiric.campaign;

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

/** One lineage on one environment, with its own git repository and its incumbent best trial. */
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

    /** Standard deviation of the baseline's repeated measurements; null until measured. */
    @Column(name = "noise_floor")
    public Double noiseFloor;

    @Version
    public long version;
}
