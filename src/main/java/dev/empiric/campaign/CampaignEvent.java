package dev.empiric.campaign;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One entry of a campaign's append-only event log (see {@link EventLog}). Rows are inserted once
 * and never updated or deleted; each carries the hash of the one before it, so that removing,
 * reordering or editing any entry breaks the chain from that point on.
 */
@Entity
@Table(name = "campaign_event")
public class CampaignEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "campaign_id", nullable = false)
    public Long campaignId;

    /** 1, 2, 3, ... within the campaign: the order of the chain. */
    public long seq;

    /** The wire name of an {@link EventType}. */
    public String type;

    @Column(name = "trial_number")
    public Integer trialNumber;

    /** Who caused it: an API token's name, {@code runner:<id>}, or {@code server}. */
    public String actor;

    public Instant at;

    /** The event's facts as JSON, stored exactly as hashed. */
    public String payload;

    @Column(name = "prev_hash")
    public String prevHash;

    public String hash;
}
