package dev.empiric.export;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;

/**
 * The signed statement at the root of an export ({@code checkpoint}): this campaign had exactly
 * {@code recordCount} trial records with this Merkle root, and {@code eventCount} events whose chain ends in
 * {@code eventHead}, at {@code createdAt}. Every other file is bound to it through hashes in the
 * records (diffs, logs, views, commits), so one Ed25519 signature covers the whole export.
 *
 * <p>The signed message is the checkpoint's canonical JSON without its {@code signature} member.
 *
 * @param merkleRoot RFC 6962 root (hex) over the lines of {@code trials.jsonl}
 * @param recordHead SHA-256 of the last record line (the head of the record chain), or null
 * @param eventHead the hash of the last event (the head of the server's own event chain), or null
 * @param key fingerprint of the signing key ({@link SigningKey#fingerprint})
 * @param signature base64 Ed25519 signature
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Checkpoint(String format, ExportCampaign campaign, long recordCount, String merkleRoot,
        String recordHead, long eventCount, String eventHead, Instant createdAt, String key, String signature) {

    public static final String FORMAT = "empiric-checkpoint/1";

    /** The bytes the signature is over. */
    public byte[] signedBytes() {
        ObjectNode tree = (ObjectNode) CanonicalJson.tree(this);
        tree.remove("signature");
        return CanonicalJson.bytes(tree);
    }

    public Checkpoint signedWith(SigningKey signingKey) {
        Checkpoint named = new Checkpoint(format, campaign, recordCount, merkleRoot, recordHead, eventCount, eventHead,
                createdAt, signingKey.fingerprint(), null);
        return new Checkpoint(format, campaign, recordCount, merkleRoot, recordHead, eventCount, eventHead, createdAt,
                named.key, Base64.getEncoder().encodeToString(signingKey.sign(named.signedBytes())));
    }

    /** Whether the signature is {@code publicKey}'s (base64 raw Ed25519) over this checkpoint. */
    public boolean verifies(String publicKey) {
        if (signature == null) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return SigningKey.verify(publicKey, signedBytes(), bytes);
    }
}
