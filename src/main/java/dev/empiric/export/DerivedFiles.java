package dev.empiric.export;

import dev.empiric.campaign.EventLog;
import dev.empiric.trial.GitTrialStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.BundleWriter;

/**
 * The files of an export made from its events and records alone: {@code events.jsonl},
 * {@code trials.jsonl}, the paper's views ({@code results.tsv}, {@code tree.tsv}, {@code best.json},
 * {@code LEADERBOARD.md}, {@code KNOWLEDGE.md}) and {@code repo.bundle}. They are made on a thread
 * of their own while the export's thread, the one that reads the store, goes on reading and writes
 * the trials' own files: an export is otherwise bound to one core, and these are half its work.
 * Each file is deflated into a spool file of its own and added to the zip, in a fixed order, when
 * the export's thread is done with its own.
 *
 * <p>The events come first, then the records, each handed over in order, in batches through a
 * bounded queue, so the memory stays bounded however long the campaign.
 */
final class DerivedFiles implements AutoCloseable {

    /**
     * A file made here, and its name in the export; or, for the bundle, a file that whichever
     * thread comes to it first makes.
     */
    record File(String path, FutureTask<StreamingZip.Spooled> making) {

        static File made(String path, StreamingZip.Spooled data) {
            return new File(path, done(data));
        }

        /** The file, made now on the calling thread unless another thread has begun it. */
        StreamingZip.Spooled data() throws IOException {
            making.run();
            return waitFor(making);
        }
    }

    /**
     * What was made besides the files: the event log's length and head (for the checkpoint), and how
     * many records had a commit (each is in the bundle).
     */
    record Made(long events, String eventHead, int commits) {}

    /** Where the files go: the zip. */
    interface Target {
        void put(String path, StreamingZip.Spooled data) throws IOException;
    }

    private static final List<Object> END = List.of();
    /** Follows the last file made, or a failure: {@link #putInto} waits for it rather than polling. */
    private static final File NO_MORE = File.made("", null);
    private static final int BATCH = 128;
    /**
     * 4,096 events or records: enough that reading the event log is rarely held up by this thread,
     * which checks and writes every event; a few megabytes of heap at most.
     */
    private static final int QUEUED_BATCHES = 32;

    private final Path spool;
    private final Repository repository;
    private final KeptBundle keptBundle;
    private final PaperViews views;
    private final BlockingQueue<List<Object>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final ExecutorService thread;
    private final Future<Made> made;
    /** The files made so far and not yet taken, in the order they go into the zip. */
    private final BlockingQueue<File> ready = new LinkedBlockingQueue<>();
    private List<Object> batch = new ArrayList<>(BATCH);

    /**
     * @param spool a folder for the files being made, removed by the caller
     * @param repository the campaign's, for the bundle; may be null when no record has a commit
     * @param keptBundle the previous export's bundle, copied instead of packed when its refs are the same
     */
    DerivedFiles(ExportCampaign campaign, Path spool, Repository repository, KeptBundle keptBundle) {
        this.spool = spool;
        this.repository = repository;
        this.keptBundle = keptBundle;
        this.views = new PaperViews(campaign);
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
                .name("export-campaign-" + campaign.id()).factory());
        this.made = thread.submit(() -> {
            try {
                return make();
            } finally {
                ready.add(NO_MORE);
            }
        });
    }

    /** The next event of the log, as stored. */
    void add(EventRecord event) throws IOException {
        queued(event);
    }

    /** No more events. */
    void eventsDone() throws IOException {
        handOver(END);
    }

    /** The next record of the chain, as exported, and its line. */
    void add(ExportRecord record, byte[] line) throws IOException {
        queued(new RecordChain.Link(record, line));
    }

    /** No more records. */
    void recordsDone() throws IOException {
        handOver(END);
    }

    /**
     * Puts the files into {@code zip}, in order, each as soon as it is made (so the export's thread
     * copies one while the next is still being made). The export's thread, done with its own work,
     * packs the bundle itself if this thread has not begun it: it is then busy with the paper's views,
     * and otherwise the export's thread would only wait.
     */
    void putInto(Target zip) throws IOException {
        try {
            for (File file = ready.take(); file != NO_MORE; file = ready.take()) {
                zip.put(file.path(), file.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the export's files were made", e);
        }
        made();
    }

    /** Waits until everything is made. */
    Made made() throws IOException {
        return waitFor(made);
    }

    private static <T> T waitFor(Future<T> making) throws IOException {
        try {
            return making.get();
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the export's files were made", e);
        }
    }

    private void queued(Object item) throws IOException {
        batch.add(item);
        if (batch.size() == BATCH) {
            handOver(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    /** Waits for room in the queue, but not for a thread that has stopped (its failure is thrown). */
    private void handOver(List<Object> items) throws IOException {
        if (items == END && !batch.isEmpty()) {
            handOver(batch);
            batch = new ArrayList<>(BATCH);
        }
        try {
            while (!queue.offer(items, 100, TimeUnit.MILLISECONDS)) {
                if (made.isDone()) {
                    made();
                    throw new IllegalStateException("the export's files were made before the last record came");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while handing the log and the records over", e);
        }
    }

    private Made make() throws IOException {
        EventChain events = new EventChain();
        ready.add(spooled("events.jsonl", Deflater.BEST_SPEED, out -> {
            for (List<Object> next = next(); next != END; next = next()) {
                for (Object event : next) {
                    out.write(events.next((EventRecord) event));
                    out.write('\n');
                }
            }
        }));
        List<ObjectId> commits = new ArrayList<>();
        List<Integer> committed = new ArrayList<>();
        // Deflated as the records pass, while the export's thread, reading the store, is the slower.
        try (StreamingZip.Spooling lines = new StreamingZip.Spooling(spool.resolve("entry-trials.jsonl"),
                        Deflater.BEST_SPEED);
                StreamingZip.Spooling results = new StreamingZip.Spooling(spool.resolve("entry-results.tsv"),
                        Deflater.BEST_SPEED);
                LineSpool records = new LineSpool(spool.resolve("trials.jsonl"));
                Writer resultRows = new BufferedWriter(new OutputStreamWriter(results, StandardCharsets.UTF_8), 1 << 16);
                LineSpool treeTails = new LineSpool(spool.resolve("tree-tails"));
                LineSpool lineage = new LineSpool(spool.resolve("lineage"))) {
            resultRows.write(views.resultsHeader());
            for (List<Object> next = next(); next != END; next = next()) {
                for (Object item : next) {
                    RecordChain.Link link = (RecordChain.Link) item;
                    ExportRecord record = link.record();
                    lines.write(link.line());
                    lines.write('\n');
                    records.append(link.line());
                    views.add(record);
                    resultRows.write(views.resultsRow(record));
                    treeTails.append(views.treeTail(record));
                    lineage.append(record.kept() ? views.lineageEntry(record) : "");
                    if (record.commit() != null) {
                        commits.add(ObjectId.fromString(record.commit()));
                        committed.add(record.number());
                    }
                }
            }
            resultRows.flush();
            StreamingZip.Spooled linesFile = lines.finish();
            StreamingZip.Spooled resultsFile = results.finish();
            records.finishWriting();
            treeTails.finishWriting();
            lineage.finishWriting();

            ready.add(File.made("trials.jsonl", linesFile));
            FutureTask<StreamingZip.Spooled> bundle = commits.isEmpty() ? null : bundle(commits, committed);
            if (bundle != null) {
                ready.add(new File("repo.bundle", bundle));
            }
            ready.add(File.made("results.tsv", resultsFile));
            ready.add(spooled("tree.tsv", Deflater.BEST_SPEED, out -> {
                Writer tree = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                views.writeTree(treeTails::load, tree);
                tree.flush();
            }));
            PaperViews.RecordLoader loader = index -> CanonicalJson.read(records.load(index), ExportRecord.class);
            ready.add(text("best.json", views.bestJson(loader)));
            ready.add(text("LEADERBOARD.md", views.leaderboard(loader)));
            ready.add(text("KNOWLEDGE.md", views.knowledge(loader, lineage::load)));
            if (bundle != null) {
                bundle.run(); // unless the export's thread has taken it
            }
            return new Made(events.count, events.head, commits.size());
        }
    }

    /** The next batch; an export given up on interrupts the wait. */
    private List<Object> next() throws IOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the export was given up on");
        }
    }

    /**
     * The bundle's making, for whichever thread comes to it first; or the previous export's bundle
     * when it holds the same refs. Each record's commit has been read from the repository by then
     * ({@link RecordChain}), so a copy still shows that the repository holds every trial's commit.
     */
    private FutureTask<StreamingZip.Spooled> bundle(List<ObjectId> commits, List<Integer> committed) {
        if (repository == null) {
            throw new IllegalArgumentException("the trials have commits, so the export needs their repository");
        }
        byte[] refs = KeptBundle.refs(committed, commits);
        StreamingZip.Spooled kept = keptBundle.matching(refs);
        if (kept != null) {
            return done(kept);
        }
        BundleWriter bundle = new BundleWriter(repository);
        bundle.setPackConfig(packConfig(repository));
        for (int i = 0; i < commits.size(); i++) {
            bundle.include(GitTrialStore.trialRef(committed.get(i)), commits.get(i));
        }
        // A pack is compressed already; and an export given up on stops packing.
        return new FutureTask<>(() -> {
            StreamingZip.Spooled packed = StreamingZip.spool(spool.resolve("entry-repo.bundle"),
                    Deflater.NO_COMPRESSION, out -> bundle.writeBundle(UNTIL_INTERRUPTED, out));
            keptBundle.packed(refs, packed);
            return packed;
        });
    }

    /**
     * JGit's packing defaults allow a 50 MiB delta cache and unbounded delta windows, more than the
     * rest of an export uses; an export must not need a large heap. No new delta search either: the
     * store keeps repositories packed ({@code RepositoryPacker}), so the bundle reuses the pack's deltas
     * as they are, and only the few objects since the last pack go in whole.
     */
    private static PackConfig packConfig(Repository repository) {
        PackConfig pack = new PackConfig(repository);
        pack.setDeltaCacheSize(4L << 20);
        pack.setDeltaSearchMemoryLimit(8L << 20);
        pack.setBigFileThreshold(4 << 20);
        pack.setDeltaCompress(false);
        return pack;
    }

    /** The making of a file that is made already. */
    private static FutureTask<StreamingZip.Spooled> done(StreamingZip.Spooled data) {
        FutureTask<StreamingZip.Spooled> made = new FutureTask<>(() -> data);
        made.run();
        return made;
    }

    private static final ProgressMonitor UNTIL_INTERRUPTED = new EmptyProgressMonitor() {
        @Override
        public boolean isCancelled() {
            return Thread.currentThread().isInterrupted();
        }
    };

    private File text(String path, String text) throws IOException {
        return spooled(path, Deflater.BEST_SPEED, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private File spooled(String path, int level, StreamingZip.Content content) throws IOException {
        return File.made(path, StreamingZip.spool(spool.resolve("entry-" + path), level, content));
    }

    private static IOException rethrown(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }

    /** Stops the thread if the export was given up on, and waits for it: the spool is deleted next. */
    @Override
    public void close() {
        made.cancel(true);
        thread.close();
    }

    /**
     * Checks the server's event chain as it passes (numbered from 1 without a gap, each event linked
     * to the one before, each hash what the rule gives) and counts it; an export never signs a broken
     * log, so a fault in the store is found here rather than by the auditor.
     */
    private static final class EventChain {
        long count;
        String head;

        byte[] next(EventRecord event) {
            String previous = head == null ? EventLog.GENESIS : head;
            if (event.seq() != count + 1) {
                throw new IllegalStateException("the event log jumps from " + count + " to " + event.seq()
                        + "; an export never signs a log with a gap");
            }
            if (!previous.equals(event.prevHash()) || !event.recomputedHash().equals(event.hash())) {
                throw new IllegalStateException("event " + event.seq() + " of the event log does not chain to the one"
                        + " before it: the stored log was altered; an export never signs it");
            }
            head = event.hash();
            count++;
            return CanonicalJson.bytes(event);
        }
    }
}
