package dev.empiric.export;

import dev.empiric.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

/**
 * Turns the server's trials, in number order, into the exported record chain: each record gets the
 * hashes of the files exported beside it (diff, log) and of the record before it, and its canonical line is
 * appended to the Merkle tree. Shared by the zip export and the plain JSONL table, so both carry
 * byte-identical lines.
 */
final class RecordChain implements AutoCloseable {

    /** Receives each file a record refers to, with its SHA-256; a content-addressed path may come twice. */
    interface Files {
        void put(String path, byte[] content, String sha256) throws IOException;
    }

    /** One chained record and its canonical line (without the line break). */
    record Link(ExportRecord record, byte[] line) {}

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final ObjectReader reader;
    private final MerkleTree merkle = new MerkleTree();
    private String previous;
    private Integer lastNumber;

    /** @param repository the campaign's repository, for the tree of records that do not carry one; may be null */
    RecordChain(Repository repository) {
        this.reader = repository == null ? null : repository.newObjectReader();
    }

    Link next(TrialExport export, Files files) throws IOException {
        ExportRecord r = Objects.requireNonNull(export.record(), "a trial export needs its record");
        if (lastNumber != null && r.number() <= lastNumber) {
            throw new IllegalArgumentException("trials must come in ascending number: trial " + r.number()
                    + " after trial " + lastNumber);
        }
        if (r.proposerViewSha256() != null && !SHA256.matcher(r.proposerViewSha256()).matches()) {
            throw new IllegalArgumentException("trial " + r.number() + ": proposer_view_sha256 '"
                    + r.proposerViewSha256() + "' is not a SHA-256");
        }
        String diffSha = put(files, "diffs/" + r.number() + ".diff", "diff_sha256", export.diff(), r.diffSha256(), r.number());
        String logSha = put(files, "logs/" + r.number() + ".log", "log_sha256", export.log(), r.logSha256(), r.number());
        derived(r.number(), "prev_sha256", r.prevSha256(), previous);
        String tree = r.tree() != null || r.commit() == null || reader == null ? r.tree() : treeOf(r);
        ExportRecord record = r.withDerived(diffSha, tree, logSha, previous);
        byte[] line = CanonicalJson.bytes(record);
        previous = Sha256.hex(line);
        merkle.append(line);
        lastNumber = r.number();
        return new Link(record, line);
    }

    long size() {
        return merkle.size();
    }

    String merkleRoot() {
        return merkle.rootHex();
    }

    /** SHA-256 of the last line: the head of the chain. */
    String head() {
        return previous;
    }

    private static String put(Files files, String path, String field, String text, String given, int number)
            throws IOException {
        if (text == null || text.isEmpty()) {
            derived(number, field, given, null);
            return null;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String sha = Sha256.hex(bytes);
        derived(number, field, given, sha);
        files.put(path, bytes, sha);
        return sha;
    }

    /** A derived field the caller filled must agree with what the export computes; usually it is left null. */
    private static void derived(int number, String field, String given, String computed) {
        if (given != null && !given.equals(computed)) {
            throw new IllegalArgumentException("trial " + number + ": " + field + " is computed by the export ("
                    + computed + "), not " + given);
        }
    }

    private String treeOf(ExportRecord r) throws IOException {
        byte[] commit;
        try {
            commit = reader.open(ObjectId.fromString(r.commit()), Constants.OBJ_COMMIT).getCachedBytes();
        } catch (MissingObjectException | IllegalArgumentException e) {
            throw new IOException("trial " + r.number() + ": commit " + r.commit() + " is not in the campaign's repository", e);
        }
        // A commit object starts with "tree <hex>\n".
        return new String(commit, 5, Constants.OBJECT_ID_STRING_LENGTH, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
        }
    }
}
