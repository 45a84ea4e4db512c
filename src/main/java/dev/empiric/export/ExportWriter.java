package dev.empiric.export;

import dev.empiric.Sha256;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.eclipse.jgit.lib.Repository;

/**
 * Writes a campaign's auditable export: a zip that a third party verifies offline, without trusting
 * the server, by running the {@code verify.py} inside it (docs/audit.md describes every file).
 *
 * <p>It streams. The event log, the trials and the views are read once each, in order, on the
 * caller's thread (the store's session belongs to it); each trial's diff and log and each view go
 * straight into the zip. What can be made from the events and records alone (their files, the
 * paper's views, the bundle) is made meanwhile on a second thread ({@link DerivedFiles}). The record
 * lines are spooled to a temporary file and the paper's views re-read the few rows they print from
 * there. What stays in memory per trial is a skeleton of a few dozen bytes (number, parent, score,
 * commit id).
 *
 * <p>Also writes the plain tables a REST client may ask for instead ({@link #writeJsonl},
 * {@link #writeCsv}).
 */
public final class ExportWriter {

    private static final String MANIFEST = "MANIFEST.json";

    private final SigningKey key;
    private final Clock clock;

    public ExportWriter(SigningKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /**
     * What an export holds, for the caller's log and response headers.
     *
     * @param reusedFiles diffs, logs and views copied from the previous export's deflated files
     */
    public record Summary(String folder, long records, long events, int commits, String merkleRoot, String key,
            long zipBytes, long reusedFiles) {}

    /** The folder every file of a campaign's export sits in (what {@code verify.py} is given after unzipping). */
    public static String folder(long campaignId) {
        return "campaign-" + campaignId + "-export";
    }

    /**
     * Writes the export of {@code source} to {@code out} (not closed).
     *
     * @param repository the campaign's git repository; its commits of the exported trials become
     *     {@code repo.bundle}, under {@code refs/trials/<number>}. May be null when no trial has a
     *     commit (an imported run).
     * @throws IllegalArgumentException when the trials are not in ascending number, or a record's
     *     derived hash disagrees with the file given for it
     * @throws IllegalStateException when the event log has a gap (an export never signs one)
     */
    public Summary writeZip(ExportSource source, Repository repository, OutputStream out) throws IOException {
        return writeZip(source, repository, out, null);
    }

    /**
     * As {@link #writeZip(ExportSource, Repository, OutputStream)}, reusing the deflated diffs, logs
     * and views the campaign's previous export kept in {@code cacheFile}, and keeping this one's there
     * for the next ({@link AttachmentCache}); likewise its {@code repo.bundle}, kept beside it, while
     * the trials' refs are the same ({@link KeptBundle}). Null keeps nothing.
     */
    public Summary writeZip(ExportSource source, Repository repository, OutputStream out, Path cacheFile)
            throws IOException {
        ExportCampaign campaign = source.campaign();
        Path spool = Files.createTempDirectory("empiric-export-");
        KeptBundle keptBundle = KeptBundle.beside(cacheFile);
        try (AttachmentCache cache = AttachmentCache.at(cacheFile);
                ZipExport zip = new ZipExport(out, folder(campaign.id()) + "/", spool, clock.instant());
                DerivedFiles derived = new DerivedFiles(campaign, spool, repository, keptBundle)) {
            try (Stream<EventRecord> log = source.events()) {
                for (Iterator<EventRecord> it = log.iterator(); it.hasNext(); ) {
                    derived.add(it.next());
                }
            }
            derived.eventsDone();
            HashSet256 viewsNamed = new HashSet256();
            RecordChain chain = new RecordChain(repository);
            ZipAttachments attachments = new ZipAttachments(zip, cache);
            try (chain; Stream<TrialExport> trials = source.trials()) {
                for (Iterator<TrialExport> it = trials.iterator(); it.hasNext(); ) {
                    RecordChain.Link link = chain.next(it.next(), attachments);
                    if (link.record().proposerViewSha256() != null) {
                        viewsNamed.add(link.record().proposerViewSha256());
                    }
                    derived.add(link.record(), link.line());
                }
            }
            derived.recordsDone();
            writeViews(source, viewsNamed, attachments);
            derived.putInto(zip::putSpooled);
            DerivedFiles.Made made = derived.made();

            Checkpoint checkpoint = new Checkpoint(Checkpoint.FORMAT, campaign, chain.size(), chain.merkleRoot(),
                    chain.head(), made.events(), made.eventHead(), clock.instant(), null, null).signedWith(key);
            zip.put("checkpoint", CanonicalJson.string(checkpoint) + "\n");
            zip.put("README.md", resource("/export/README.md"));
            zip.put("verify.py", resource("/export/verify.py"));
            zip.writeManifest();
            zip.finish();
            cache.commit();
            keptBundle.commit();
            return new Summary(folder(campaign.id()), chain.size(), made.events(), made.commits(), chain.merkleRoot(),
                    checkpoint.key(), zip.size(), cache.reused());
        } finally {
            deleteTree(spool);
        }
    }

    /** {@code views/<sha256>.md}: each view the records name, once, checked against its name. */
    private static void writeViews(ExportSource source, HashSet256 named, ZipAttachments attachments)
            throws IOException {
        HashSet256 written = new HashSet256();
        try (Stream<ShownView> shown = source.views()) {
            for (Iterator<ShownView> it = shown.iterator(); it.hasNext(); ) {
                ShownView view = it.next();
                byte[] bytes = view.text().getBytes(StandardCharsets.UTF_8);
                String sha = Sha256.hex(bytes);
                if (!sha.equals(view.sha256())) {
                    throw new IllegalStateException("the proposer view stored as " + view.sha256() + " hashes to " + sha
                            + ": the store's copy was altered; an export never signs it");
                }
                if (!named.contains(sha)) {
                    throw new IllegalArgumentException("proposer view " + sha + " is named by no exported trial");
                }
                if (written.add(sha)) {
                    attachments.view(sha, bytes);
                }
            }
        }
        if (written.size() != named.size()) {
            throw new IllegalStateException((named.size() - written.size()) + " of the " + named.size()
                    + " proposer views the trials name are missing from the store; an export never signs a record"
                    + " whose view it cannot show");
        }
    }

    /**
     * {@code trials.jsonl} alone: the same chained canonical lines as in the zip (so its hashes can
     * be compared with a signed export), without the files they refer to.
     */
    public static void writeJsonl(Stream<TrialExport> trials, Repository repository, OutputStream out) throws IOException {
        try (RecordChain chain = new RecordChain(repository); trials) {
            for (Iterator<TrialExport> it = trials.iterator(); it.hasNext(); ) {
                out.write(chain.next(it.next(), RecordChain.HASHES_ONLY).line());
                out.write('\n');
            }
        }
        out.flush();
    }

    /**
     * The records as one RFC 4180 CSV table (comma separated, CRLF, UTF-8), one row per trial, for
     * spreadsheet, pandas, MLflow and Optuna users. Each name in {@code metricColumns} gets its own
     * {@code metrics.<name>} column; the {@code metrics} column holds all metrics as JSON, so none is
     * lost. Text cells that a spreadsheet would run as a formula get a leading apostrophe; the JSONL
     * keeps the exact text.
     */
    public static void writeCsv(Stream<TrialExport> trials, Repository repository, List<String> metricColumns,
            OutputStream out) throws IOException {
        Writer csv = new BufferedWriter(new OutputStreamWriter(nonClosing(out), StandardCharsets.UTF_8));
        List<String> header = new ArrayList<>(List.of("number", "parent", "specialist", "state", "label",
                "source_status", "score", "score_std", "delta_vs_best", "incumbent", "incumbent_score", "noise_floor",
                "keep_threshold", "expected_delta", "artifact_bytes", "attempts", "submitted_at", "started_at",
                "finished_at", "recipe_seconds", "scoring_seconds", "commit", "tree", "diff_sha256",
                "proposer_view_sha256", "hypothesis", "reason"));
        metricColumns.forEach(name -> header.add("metrics." + name));
        header.add("metrics");
        csvRow(csv, header);
        try (RecordChain chain = new RecordChain(repository); trials) {
            for (Iterator<TrialExport> it = trials.iterator(); it.hasNext(); ) {
                ExportRecord r = chain.next(it.next(), RecordChain.HASHES_ONLY).record();
                ExportRecord.Judgement j = r.judgement();
                ExportRecord.Timings t = r.timings();
                List<String> row = new ArrayList<>(Arrays.asList(Integer.toString(r.number()), text(r.parent()),
                        formulaSafe(r.specialist()), text(r.state()), text(r.label()), formulaSafe(r.sourceStatus()),
                        PaperViews.num(r.score()), PaperViews.num(r.scoreStd()), PaperViews.delta(r),
                        text(j.incumbent()), PaperViews.num(j.incumbentScore()), PaperViews.num(j.noiseFloor()),
                        PaperViews.num(j.keepThreshold()), PaperViews.num(r.expectedDelta()), text(r.artifactBytes()),
                        Integer.toString(r.attempts()), PaperViews.time(t.submittedAt()), PaperViews.time(t.startedAt()),
                        PaperViews.time(t.finishedAt()), PaperViews.num(t.recipeSeconds()),
                        PaperViews.num(t.scoringSeconds()), text(r.commit()), text(r.tree()), text(r.diffSha256()),
                        text(r.proposerViewSha256()), formulaSafe(r.hypothesis()), formulaSafe(r.reason())));
                for (String name : metricColumns) {
                    row.add(PaperViews.num(r.metrics().get(name)));
                }
                row.add(r.metrics().isEmpty() ? "" : CanonicalJson.string(r.metrics()));
                csvRow(csv, row);
            }
        }
        csv.flush();
    }

    private static void csvRow(Writer csv, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (i > 0) {
                csv.write(',');
            }
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                csv.write('"' + cell.replace("\"", "\"\"") + '"');
            } else {
                csv.write(cell);
            }
        }
        csv.write("\r\n");
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** OWASP's advice for CSV injection: text a spreadsheet would evaluate starts with an apostrophe. */
    private static String formulaSafe(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    private static String resource(String name) {
        try (InputStream in = ExportWriter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the build lost the resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Trials' diffs, logs and the views into the zip, each copied from the previous export's deflated
     * file where that still applies, else deflated now; either way kept for the next export.
     */
    private static final class ZipAttachments implements RecordChain.Attachments {
        private final ZipExport zip;
        private final AttachmentCache cache;

        ZipAttachments(ZipExport zip, AttachmentCache cache) {
            this.zip = zip;
            this.cache = cache;
        }

        @Override
        public String diff(int number, String diff) throws IOException {
            byte[] bytes = diff.getBytes(StandardCharsets.UTF_8);
            String sha = Sha256.hex(bytes);
            put("diffs/" + number + ".diff", AttachmentCache.Kind.DIFF, number, 0, cache.diff(number, sha), bytes, sha);
            return sha;
        }

        @Override
        public String log(int number, TrialLog log) throws IOException {
            String path = "logs/" + number + ".log";
            Deflated kept = log.stamp() == 0 ? null : cache.log(number, log.stamp());
            if (kept != null) {
                return put(path, AttachmentCache.Kind.LOG, number, log.stamp(), kept, null, null).sha256();
            }
            String text = log.text().get();
            if (text == null || text.isEmpty()) {
                return null;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            return put(path, AttachmentCache.Kind.LOG, number, log.stamp(), null, bytes, Sha256.hex(bytes)).sha256();
        }

        /** The view whose text is {@code bytes}, which hash to {@code sha}. */
        void view(String sha, byte[] bytes) throws IOException {
            put("views/" + sha + ".md", AttachmentCache.Kind.VIEW, -1, 0, cache.view(sha), bytes, sha);
        }

        private Deflated put(String path, AttachmentCache.Kind kind, int number, long stamp, Deflated kept,
                byte[] bytes, String sha) throws IOException {
            Deflated file = kept != null ? kept : zip.deflate(bytes, sha);
            zip.putDeflated(path, file);
            cache.keep(kind, number, stamp, file);
            return file;
        }
    }

    /**
     * The zip being written: every entry under one folder, hashed into the manifest as it goes. The
     * manifest is deflated as it grows, while this thread would otherwise wait for {@link DerivedFiles},
     * rather than in one piece at the end, when nothing else is left to do.
     */
    private static final class ZipExport implements AutoCloseable {
        private final StreamingZip zip;
        private final String root;
        private final StreamingZip.Spooling manifestEntry;
        private final Writer manifest;
        private HashingStream current;
        private boolean firstInManifest = true;

        ZipExport(OutputStream out, String root, Path spool, Instant now) throws IOException {
            this.zip = new StreamingZip(out, spool.resolve("central-directory"), now);
            this.root = root;
            this.manifestEntry = new StreamingZip.Spooling(spool.resolve("manifest"), Deflater.BEST_SPEED);
            this.manifest = new BufferedWriter(new OutputStreamWriter(manifestEntry, StandardCharsets.UTF_8), 1 << 16);
            manifest.write("{\"format\":\"empiric-manifest/1\",\"files\":{\n");
        }

        OutputStream open(String path) throws IOException {
            current = new HashingStream(zip.putNextEntry(root + path));
            return current;
        }

        void close(String path) throws IOException {
            zip.closeEntry();
            listed(path, current.hex());
        }

        private void listed(String path, String sha) throws IOException {
            manifest.write((firstInManifest ? "" : ",\n") + CanonicalJson.string(TextNode.valueOf(path)) + ":\"" + sha
                    + "\"");
            firstInManifest = false;
        }

        void put(String path, String text) throws IOException {
            open(path).write(text.getBytes(StandardCharsets.UTF_8));
            close(path);
        }

        Deflated deflate(byte[] bytes, String sha) {
            return zip.deflate(bytes, sha);
        }

        /** A file made on another thread ({@link DerivedFiles}). */
        void putSpooled(String path, StreamingZip.Spooled file) throws IOException {
            zip.putSpooled(root + path, file);
            listed(path, file.sha256());
        }

        /** A file deflated already, whose hash is known. */
        void putDeflated(String path, Deflated file) throws IOException {
            zip.putDeflated(root + path, file);
            listed(path, file.sha256());
        }

        /** MANIFEST.json: the SHA-256 of every other file, in the order they were written. */
        void writeManifest() throws IOException {
            manifest.write("\n}}\n");
            manifest.flush();
            zip.putSpooled(root + MANIFEST, manifestEntry.finish());
        }

        void finish() throws IOException {
            zip.finish();
        }

        long size() {
            return zip.size();
        }

        @Override
        public void close() throws IOException {
            manifestEntry.close();
            zip.close();
        }
    }
}
