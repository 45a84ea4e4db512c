package dev.empiric.export;

import dev.empiric.Sha256;
import dev.empiric.trial.GitTrialStore;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The {@code repo.bundle} of a campaign's last export, which the next export copies instead of
 * packing it again when it names the same commits under the same refs. A commit's id fixes its
 * whole tree, so the same refs give a bundle of the same objects; and packing it (walking every
 * commit's tree in the repository) was the longest step left on a repeated export's path
 * (docs/performance.md). What the copy does not do is read the trees and files from the repository
 * again: docs/audit.md says what the export still checks.
 *
 * <p>One file per campaign beside the {@link AttachmentCache}: the bundle's spooled entry as the zip
 * holds it, then a trailer with the hash of its refs and the entry's CRC, sizes and SHA-256. Like
 * the attachments, it only ever saves work: a file that is absent, damaged or foreign, or a failure
 * to write the new one, leaves the export as it would have been.
 */
final class KeptBundle {

    private static final byte[] MAGIC = "empiric kept bundle 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SHA_BYTES = 32;
    private static final int TRAILER = SHA_BYTES + SHA_BYTES + Integer.BYTES + Long.BYTES + Long.BYTES + MAGIC.length;

    private final Path file;
    /**
     * What this export packed, and for which refs; kept at {@link #commit()}. Set on whichever thread
     * packs, read on the export's once it has waited for every file ({@link DerivedFiles#made()}).
     */
    private byte[] packedRefs;
    private StreamingZip.Spooled packed;

    private KeptBundle(Path file) {
        this.file = file;
    }

    /** The bundle kept beside the attachment cache {@code attachments}; null gives one that keeps nothing. */
    static KeptBundle beside(Path attachments) {
        return new KeptBundle(attachments == null ? null : fileBeside(attachments));
    }

    /** {@code campaign-<id>.bundle} beside {@code campaign-<id>.bin}. */
    static Path fileBeside(Path attachments) {
        String name = attachments.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return attachments.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".bundle");
    }

    /** What a bundle of these commits under {@code refs/trials/<number>}, in this order, is known by. */
    static byte[] refs(List<Integer> numbers, List<ObjectId> commits) {
        MessageDigest sha = Sha256.digest();
        byte[] id = new byte[Constants.OBJECT_ID_LENGTH];
        for (int i = 0; i < numbers.size(); i++) {
            sha.update((GitTrialStore.trialRef(numbers.get(i)) + " ").getBytes(StandardCharsets.US_ASCII));
            commits.get(i).copyRawTo(id, 0);
            sha.update(id);
        }
        return sha.digest();
    }

    /** The kept bundle's entry, if it holds exactly {@code refs}; else null. */
    StreamingZip.Spooled matching(byte[] refs) {
        if (file == null) {
            return null;
        }
        try (FileChannel in = FileChannel.open(file)) {
            long length = in.size();
            if (length < TRAILER) {
                return null;
            }
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER);
            in.position(length - TRAILER);
            while (trailer.hasRemaining()) {
                if (in.read(trailer) < 0) {
                    return null;
                }
            }
            trailer.flip();
            byte[] keptRefs = new byte[SHA_BYTES];
            byte[] sha256 = new byte[SHA_BYTES];
            byte[] magic = new byte[MAGIC.length];
            trailer.get(keptRefs).get(sha256);
            int crc = trailer.getInt();
            long size = trailer.getLong();
            long compressed = trailer.getLong();
            trailer.get(magic);
            if (!Arrays.equals(magic, MAGIC) || compressed != length - TRAILER || !Arrays.equals(keptRefs, refs)) {
                return null;
            }
            return new StreamingZip.Spooled(file, HexFormat.of().formatHex(sha256), crc, size, compressed);
        } catch (IOException absentOrUnreadable) {
            return null; // packed anew
        }
    }

    /** This export packed {@code bundle} for {@code refs}: the next one may copy it. */
    void packed(byte[] refs, StreamingZip.Spooled bundle) {
        packedRefs = refs;
        packed = bundle;
    }

    /**
     * Keeps what this export packed for the next one; call once the export succeeded (and the spool
     * file is no longer needed). A bundle that was copied is kept as it is.
     */
    void commit() {
        if (file == null || packed == null) {
            return;
        }
        Path next = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.move(packed.file(), next, StandardCopyOption.REPLACE_EXISTING);
            try (OutputStream out = Files.newOutputStream(next, StandardOpenOption.APPEND);
                    DataOutputStream trailer = new DataOutputStream(out)) {
                trailer.write(packedRefs);
                trailer.write(HexFormat.of().parseHex(packed.sha256()));
                trailer.writeInt(packed.crc());
                trailer.writeLong(packed.size());
                trailer.writeLong(packed.compressed());
                trailer.write(MAGIC);
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(next); // a full disk costs the next export its head start, nothing more
            } catch (IOException ignored) {
                // a temporary name the next export overwrites
            }
        }
    }
}
