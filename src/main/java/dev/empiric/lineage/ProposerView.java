package dev.empiric.lineage;

import dev.empiric.Sha256;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What a proposer was shown before it proposed (the rendered lineage view, or the whole prompt),
 * stored once per distinct text under its SHA-256. A trial carries the hash, so "what did the agent
 * know when it proposed this" has an exact answer in the audit trail and the export.
 */
@Entity
@Table(name = "proposer_view")
public class ProposerView extends PanacheEntityBase {

    @Id
    public String hash;

    @Column(name = "campaign_id")
    public Long campaignId;

    public String content;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The stored views among {@code hashes} (those never stored are absent), detached from the persistence context. */
    public static List<ProposerView> byHashes(Collection<String> hashes) {
        if (hashes.isEmpty()) {
            return List.of();
        }
        List<ProposerView> views = ProposerView.<ProposerView>list("hash in ?1", hashes);
        views.forEach(view -> getEntityManager().detach(view));
        return views;
    }

    /** Stores the text unless it is stored already; returns its hash. Runs in the caller's transaction. */
    public static String record(long campaignId, String content) {
        String hash = Sha256.hex(content);
        if (findById(hash) == null) {
            ProposerView view = new ProposerView();
            view.hash = hash;
            view.campaignId = campaignId;
            view.content = content;
            view.createdAt = Instant.now();
            view.persist();
        }
        return hash;
    }
}
