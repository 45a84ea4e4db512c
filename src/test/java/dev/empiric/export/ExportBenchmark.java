package dev.empiric.export;

import dev.empiric.FileTrees;
import dev.empiric.Sha256;
import dev.empiric.campaign.EventLog;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.support.Diffs;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * Export throughput and memory on a synthetic campaign of N trials (default 10,000): a real git
 * repository with one commit per trial (each a one-line edit of its parent, the diff as an agent
 * would send it), a 2 KB proposer view and a 4 KB log per trial, four events per trial. Prints
 * records per second (wall and CPU time) under a capped heap; run by src/scripts/bench-export.sh.
 *
 * <p>Arguments: {@code [trials] [--verify] [--once] [--loose]}; the repository is packed first, as the
 * server keeps it, unless --loose; with --verify, verify.py checks the export
 * afterwards and its time is printed too; with --once, a single full export is made (to show, with a
 * small {@code EXPORT_BENCH_HEAP}, that memory does not grow with the number of trials).
 */
public final class ExportBenchmark {

    private static final int KNOBS = 50;
    /** Timed exports of each kind; the median is printed (this machine's timings vary by a tenth from run to run). */
    private static final int REPEATS = 7;
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 10_000;
        boolean verify = Arrays.asList(args).contains("--verify");
        boolean once = Arrays.asList(args).contains("--once");
        Path root = Files.createTempDirectory("empiric-export-bench-");
        try {
            measure(root, trials, verify, once, Arrays.asList(args).contains("--loose"));
        } finally {
            FileTrees.delete(root); // its repository and zips: 45 MB or more per run
        }
    }

    private static void measure(Path root, int trials, boolean verify, boolean once, boolean loose) throws Exception {
        System.out.printf("building a campaign of %,d trials with one commit each under %s%n", trials, root);
        long setup = System.nanoTime();
        Campaign campaign = Campaign.build(root, trials);
        System.out.printf("  setup: %.1f s (not measured)%n", (System.nanoTime() - setup) / 1e9);
        if (!loose) {
            // As the server keeps a campaign's repository (RepositoryPacker: packed every 500 trials).
            long packing = System.nanoTime();
            long packed = GitTrialStore.repack((FileRepository) campaign.repository);
            System.out.printf("  packed %,d loose objects in %.1f s (not measured; the server does it in the"
                    + " background)%n", packed, (System.nanoTime() - packing) / 1e9);
        }
        SigningKey key = SigningKey.loadOrCreate(root.resolve("keys"));
        ExportWriter writer = new ExportWriter(key, Clock.systemUTC());

        Path zip = root.resolve("export.zip");
        if (once) {
            // For memory checks at scale: one export of each kind under the heap cap, nothing else; the
            // full one twice, so that the second copies what the first kept (files and bundle).
            Map<Mode, String> kinds = Map.of(Mode.NO_COMMITS, "bundle-less", Mode.FIRST_FULL, "full",
                    Mode.FULL, "repeated full");
            for (Mode mode : List.of(Mode.NO_COMMITS, Mode.FIRST_FULL, Mode.FULL)) {
                Measured one = run(writer, campaign, trials, mode, zip);
                System.out.printf("one %s export of %,d trials in a heap capped at %.0f MB: %.1f s wall, %.1f s CPU,"
                        + " %.0f MB zip%n", kinds.get(mode), trials, Runtime.getRuntime().maxMemory() / 1e6,
                        one.seconds(), one.cpuSeconds(), Files.size(zip) / 1e6);
            }
            campaign.repository.close();
            return;
        }
        // Each kind once, untimed: the JIT compiles on the second core meanwhile, and would otherwise be timed too.
        for (Mode mode : Mode.values()) {
            run(writer, campaign, trials, mode, zip.resolveSibling("warm-up-" + mode + ".zip"));
        }
        List<Measured> full = new ArrayList<>();
        List<Measured> first = new ArrayList<>();
        List<Measured> noBundle = new ArrayList<>();
        List<Measured> bare = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            first.add(run(writer, campaign, trials, Mode.FIRST_FULL, zip));
            full.add(run(writer, campaign, trials, Mode.FULL, zip));
            noBundle.add(run(writer, campaign, trials, Mode.NO_COMMITS, root.resolve("no-bundle.zip")));
            bare.add(run(writer, campaign, trials, Mode.RECORDS, root.resolve("records.zip")));
        }
        long generating = System.nanoTime();
        try (Stream<TrialExport> all = campaign.source(trials, Mode.FULL).trials()) {
            all.forEach(t -> { });
        }
        double generation = (System.nanoTime() - generating) / 1e9;
        System.out.printf("export of %,d trials and %,d events, median of %d (load average %.1f on %d cores):%n",
                trials, trials * 4 + 1, REPEATS, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        report("full export: commits in repo.bundle, diffs, 4 KB logs, 2 KB views", full, trials);
        report("the same, a campaign's first export (nothing deflated to reuse)", first, trials);
        report("the same without commits (no repo.bundle)", noBundle, trials);
        report("records, events and the paper's views only", bare, trials);
        System.out.printf("  full zip %.1f MB; making the synthetic trials themselves takes %.2f s%n",
                Files.size(zip) / 1e6, generation);
        System.out.printf("  all in a heap capped at %.0f MB (-Xmx)%n", Runtime.getRuntime().maxMemory() / 1e6);
        if (verify) {
            Path unzipped = root.resolve("unzipped");
            Files.createDirectories(unzipped);
            new ProcessBuilder("unzip", "-q", zip.toString(), "-d", unzipped.toString()).inheritIO().start().waitFor();
            Path folder = unzipped.resolve(ExportWriter.folder(1));
            long start = System.nanoTime();
            Process process = new ProcessBuilder("/usr/bin/python3", folder.resolve("verify.py").toString(),
                    folder.toString(), "--key", key.publicKey()).inheritIO().start();
            int exit = process.waitFor();
            System.out.printf("  verify.py: exit %d in %.1f s%n", exit, (System.nanoTime() - start) / 1e9);
        }
        campaign.repository.close();
    }

    private record Measured(double seconds, double cpuSeconds) {}

    /** CPU time of the whole process (writer, GC, JIT): the machine may be shared, so wall time alone misleads. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * FULL reuses the deflated files and the bundle the previous export kept (the server's case from a campaign's
     * second export on); FIRST_FULL starts without them, as a campaign's first export does.
     */
    private enum Mode { FULL, FIRST_FULL, NO_COMMITS, RECORDS }

    private static void report(String what, List<Measured> runs, int trials) {
        double wall = runs.stream().mapToDouble(Measured::seconds).sorted().toArray()[runs.size() / 2];
        double cpu = runs.stream().mapToDouble(Measured::cpuSeconds).sorted().toArray()[runs.size() / 2];
        System.out.printf("  %s: %.2f s wall = %,.0f records/s; %.2f s CPU = %,.0f records per CPU-second%n", what,
                wall, trials / wall, cpu, trials / cpu);
    }

    private static Measured run(ExportWriter writer, Campaign campaign, int trials, Mode mode, Path zip)
            throws IOException {
        Path cache = zip.resolveSibling("attachments.bin");
        if (mode == Mode.FIRST_FULL) {
            Files.deleteIfExists(cache);
            Files.deleteIfExists(KeptBundle.fileBeside(cache));
        }
        System.gc();
        long start = System.nanoTime();
        long cpu = processCpuNanos();
        boolean withGit = mode == Mode.FULL || mode == Mode.FIRST_FULL;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16)) {
            writer.writeZip(campaign.source(trials, mode), withGit ? campaign.repository : null, out,
                    mode == Mode.RECORDS ? null : cache);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
        return new Measured(seconds, cpuSeconds);
    }

    /**
     * The synthetic campaign: trial n edits knob n % 50 of its parent's recipe; its parent is the best
     * so far; a trial is kept when its (random) score beats the best by more than the threshold.
     * Only numbers live in memory. What the server reads from its store (diffs, hashes, the event log,
     * the views' texts) is made once into files and read back in order, as the server pages through
     * its rows; the records and logs are made again when streamed.
     */
    private static final class Campaign {
        final Repository repository;
        final String[] commits;
        final int[] parents;
        final double[] scores;
        final Label[] labels;
        final int[] incumbents;
        /** What the server would read from its store: see {@link #store()}. */
        final Path stored;

        private Campaign(Repository repository, int trials, Path stored) {
            this.repository = repository;
            this.stored = stored;
            this.commits = new String[trials];
            this.parents = new int[trials];
            this.scores = new double[trials];
            this.labels = new Label[trials];
            this.incumbents = new int[trials];
        }

        static Campaign build(Path root, int trials) throws IOException {
            Repository repository = new FileRepository(root.resolve("campaign.git").toFile());
            repository.create(true);
            Campaign c = new Campaign(repository, trials, Files.createDirectories(root.resolve("stored")));
            Random random = new Random(42);
            try (ObjectInserter inserter = repository.newObjectInserter()) {
                int best = 0;
                for (int n = 0; n < trials; n++) {
                    c.parents[n] = n == 0 ? -1 : best;
                    CommitBuilder commit = new CommitBuilder();
                    TreeFormatter tree = new TreeFormatter();
                    tree.append("README.md", FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB,
                            "a synthetic recipe\n".getBytes(StandardCharsets.UTF_8)));
                    tree.append("train.py", FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB,
                            c.recipe(n).getBytes(StandardCharsets.UTF_8)));
                    commit.setTreeId(inserter.insert(tree));
                    if (n > 0) {
                        commit.setParentId(ObjectId.fromString(c.commits[best]));
                    }
                    // Trials are committed one after another, so commit times rise, as JGit's walks expect.
                    PersonIdent who = new PersonIdent("Empiric", "server@empiric.invalid", START.plusSeconds(60L * n),
                            java.time.ZoneOffset.UTC);
                    commit.setAuthor(who);
                    commit.setCommitter(who);
                    commit.setMessage("Trial " + n + "\n");
                    c.commits[n] = inserter.insert(commit).name();
                    c.scores[n] = n == 0 ? 0.9 : c.scores[best] + random.nextGaussian() * 0.01 - 0.004;
                    c.incumbents[n] = n == 0 ? -1 : best;
                    if (n == 0) {
                        c.labels[n] = Label.BASELINE;
                    } else if (c.scores[n] - c.scores[best] > 0.008) {
                        c.labels[n] = Label.KEEP;
                        best = n;
                    } else {
                        c.labels[n] = n % 13 == 0 ? Label.CRASH : Label.DISCARD;
                    }
                }
                inserter.flush();
            }
            // One ref per trial, as the store keeps them: what makes the commits reachable, so packable.
            BatchRefUpdate refs = repository.getRefDatabase().newBatchUpdate();
            for (int n = 0; n < trials; n++) {
                refs.addCommand(new ReceiveCommand(ObjectId.zeroId(), ObjectId.fromString(c.commits[n]),
                        "refs/trials/" + n));
            }
            try (RevWalk walk = new RevWalk(repository)) {
                refs.execute(walk, NullProgressMonitor.INSTANCE);
            }
            c.store();
            return c;
        }

        /** Trial n's train.py: its parent's, with knob n % 50 set to n. */
        String recipe(int n) {
            int[] values = new int[KNOBS];
            for (int t = n; t > 0; t = parents[t]) {
                if (values[t % KNOBS] == 0) {
                    values[t % KNOBS] = t;
                }
            }
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < KNOBS; k++) {
                text.append("KNOB_").append(k).append(" = ").append(values[k]).append('\n');
            }
            return text.toString();
        }

        /**
         * Writes what the server reads from its store rather than computes: each trial's diff and
         * proposer view hash, the event log with its hashes, the views in the order of their hashes.
         */
        private void store() throws IOException {
            int trials = commits.length;
            try (DataOutputStream out = output(stored.resolve("trials"))) {
                for (int n = 0; n < trials; n++) {
                    out.writeUTF(n == 0 ? "" : Diffs.between("train.py", recipe(parents[n]), recipe(n)));
                    out.writeUTF(n == 0 ? "" : Sha256.hex(view(n)));
                }
            }
            try (DataOutputStream out = output(stored.resolve("events"))) {
                String previous = EventLog.GENESIS;
                previous = event(out, 1, "runner.started", null, "api", START, previous);
                for (int n = 0; n < trials; n++) {
                    previous = event(out, 2L + 4L * n, "trial.submitted", n, "runner:1", START.plusSeconds(60L * n),
                            previous);
                    previous = event(out, 3L + 4L * n, "trial.started", n, "server", START.plusSeconds(60L * n + 3),
                            previous);
                    previous = event(out, 4L + 4L * n, "trial.finished", n, "server", START.plusSeconds(60L * n + 50),
                            previous);
                    previous = event(out, 5L + 4L * n, "best.changed", n, "server", START.plusSeconds(60L * n + 50),
                            previous);
                }
            }
            String[] hashes = IntStream.range(0, trials).mapToObj(n -> n == 0 ? "" : Sha256.hex(view(n)))
                    .toArray(String[]::new);
            try (DataOutputStream out = output(stored.resolve("views"))) {
                for (int n : IntStream.range(1, trials).boxed().sorted(Comparator.comparing(n -> hashes[n]))
                        .mapToInt(Integer::intValue).toArray()) {
                    out.writeUTF(hashes[n]);
                    out.writeUTF(view(n));
                }
            }
        }

        ExportSource source(int trials, Mode mode) {
            ExportCampaign header = new ExportCampaign(1, "benchmark", "synthetic", "0".repeat(64), "accuracy",
                    Goal.MAXIMIZE, new ExportCampaign.KeepRule(0.002, 2.0), null);
            return new ExportSource() {
                @Override
                public ExportCampaign campaign() {
                    return header;
                }

                @Override
                public Stream<TrialExport> trials() {
                    int[] next = {0};
                    return rows(stored.resolve("trials"), trials, in -> trial(next[0]++, mode, in.readUTF(), in.readUTF()));
                }

                @Override
                public Stream<EventRecord> events() {
                    return rows(stored.resolve("events"), 4 * trials + 1, in -> {
                        long seq = in.readLong();
                        String type = in.readUTF();
                        int trial = in.readInt();
                        return new EventRecord(seq, type, trial < 0 ? null : trial, in.readUTF(), in.readUTF(),
                                in.readUTF(), in.readUTF(), in.readUTF());
                    });
                }

                @Override
                public Stream<ShownView> views() {
                    return mode == Mode.RECORDS ? Stream.empty()
                            : rows(stored.resolve("views"), trials - 1, in -> new ShownView(in.readUTF(), in.readUTF()));
                }
            };
        }

        /** An event as the server's log stores it, chained onto {@code previous}; returns its hash. */
        private static String event(DataOutputStream out, long seq, String type, Integer n, String actor, Instant when,
                String previous) throws IOException {
            String at = EventLog.formatAt(when);
            String payload = "{\"attempt\":1}";
            String hash = EventLog.hash(previous, seq, type, n, actor, at, payload);
            out.writeLong(seq);
            out.writeUTF(type);
            out.writeInt(n == null ? -1 : n);
            for (String field : List.of(actor, at, payload, previous, hash)) {
                out.writeUTF(field);
            }
            return hash;
        }

        private static String view(int n) {
            return ("# Lineage view for opt at trial " + (n - 1) + "\n") + "leaderboard line\n".repeat(120);
        }

        private static DataOutputStream output(Path file) throws IOException {
            return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        }

        private interface Row<T> {
            T read(DataInputStream in) throws IOException;
        }

        /** The {@code count} rows of a stored file, read as the stream is consumed, as the server pages through its store. */
        private static <T> Stream<T> rows(Path file, int count, Row<T> row) {
            DataInputStream in;
            try {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return IntStream.range(0, count).mapToObj(i -> {
                try {
                    return row.read(in);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).onClose(() -> {
                try {
                    in.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        private TrialExport trial(int n, Mode mode, String diff, String viewHash) {
            boolean withGit = mode == Mode.FULL || mode == Mode.FIRST_FULL;
            Instant submitted = START.plusSeconds(60L * n);
            boolean scored = labels[n] != Label.CRASH;
            Integer incumbent = incumbents[n] < 0 ? null : incumbents[n];
            ExportRecord record = new ExportRecord(n, n == 0 ? null : parents[n], n == 0 ? "baseline" : "opt",
                    "Set knob " + n % KNOBS + " to " + n + ": a hypothesis of about the length agents write, saying"
                            + " what the edit should do and why it might beat the incumbent by more than the noise.",
                    0.01, null, withGit ? commits[n] : null, null, TrialState.FINISHED, labels[n], null,
                    labels[n] == Label.CRASH ? "the recipe exited with status 1" : "judged against the incumbent",
                    scored ? scores[n] : null, scored ? 0.001 : null,
                    scored ? Map.of("accuracy", scores[n], "train_seconds", 2.5) : null, scored ? 20_480L : null,
                    new ExportRecord.Judgement(scored ? incumbent : null, scored && incumbent != null
                            ? scores[incumbent] : null, 0.004, 0.008),
                    new ExportRecord.Timings(submitted, submitted.plusSeconds(3), submitted.plusSeconds(50), 40.0, 5.0),
                    1, mode == Mode.RECORDS || viewHash.isEmpty() ? null : viewHash, null, null);
            if (mode == Mode.RECORDS) {
                return new TrialExport(record, null, TrialLog.NONE);
            }
            // A synthetic log never changes, so any stamp but 0 lets the cache keep it, as an unchanged file does.
            TrialLog log = new TrialLog(1, () -> ("=== trial " + n + " recipe\n")
                    + "epoch 1 loss 0.123456 accuracy 0.912345\n".repeat(100));
            return new TrialExport(record, diff.isEmpty() ? null : diff, log);
        }
    }
}
