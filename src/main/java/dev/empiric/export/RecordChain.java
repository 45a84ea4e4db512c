package dev.empiric.export;

import dev.empiric.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
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

    /**
     * The files a record refers to: each method gives the file's SHA-256 (null when there is none),
     * having written it if the export carries files.
     */
    interface Attachments {
        /** @param diff not empty */
        String diff(int number, String diff) throws IOException;

        String log(int number, TrialLog log) throws IOException;
    }

    /** For the plain tables: the records' hashes, no files. */
    static final Attachments HASHES_ONLY = new Attachments() {
        @Override
        public String diff(int number, String diff) {
            return Sha256.hex(diff);
        }

        @Override
        public String log(int number, TrialLog log) {
            String text = log.text().get();
            return text == null || text.isEmpty() ? null : Sha256.hex(text);
        }
    };

    /** One chained record and its canonical line (without the line break). */
    record Link(ExportRecord record, byte[] line) {}

    private final ObjectReader reader;
    private final MerkleTree merkle = new MerkleTree();
    private String previous;
    private Integer lastNumber;

    /** @param repository the campaign's repository, for the tree of records that do not carry one; may be null */
    RecordChain(Repository repository) {
        this.reader = repository == null ? null : repository.newObjectReader();
    }

    Link next(TrialExport export, Attachments files) throws IOException {
        ExportRecord r = Objects.requireNonNull(export.record(), "a trial export needs its record");
        if (lastNumber != null && r.number() <= lastNumber) {
            throw new IllegalArgumentException("trials must come in ascending number: trial " + r.number()
                    + " after trial " + lastNumber);
        }
        if (r.proposerViewSha256() != null && !Sha256.isHex(r.proposerViewSha256())) {
            throw new IllegalArgumentException("trial " + r.number() + ": proposer_view_sha256 '"
                    + r.proposerViewSha256() + "' is not a SHA-256");
        }
        String diff = export.diff();
        String diffSha = derived(r.number(), "diff_sha256", r.diffSha256(),
                diff == null || diff.isEmpty() ? null : files.diff(r.number(), diff));
        String logSha = derived(r.number(), "log_sha256", r.logSha256(),
                files.log(r.number(), export.log() == null ? TrialLog.NONE : export.log()));
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

    /** A derived field the caller filled must agree with what the export computes; usually it is left null. */
    private static String derived(int number, String field, String given, String computed) {
        if (given != null && !given.equals(computed)) {
            throw new IllegalArgumentException("trial " + number + ": " + field + " is computed by the export ("
                    + computed + "), not " + given);
        }
        return computed;
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
