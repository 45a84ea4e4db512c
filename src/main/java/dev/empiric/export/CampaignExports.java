package dev.empiric.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.empiric.EmpiricConfig;
import dev.empiric.Json;
import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.ImportOrigin;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.lineage.EnvironmentUnavailable;
import dev.empiric.lineage.ProposerView;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.TrialLogs;
import dev.empiric.trial.TrialColumns;
import dev.empiric.trial.TrialView;
import dev.empiric.trial.Trials;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.lib.Repository;
import org.jboss.logging.Logger;

/**
 * A campaign's exports as the server stores it: the auditable zip ({@link ExportWriter}, checked by
 * {@code verify.py}), or its records alone as JSONL or CSV.
 *
 * <p>An export is one snapshot. It reads the campaign under the campaign's row lock, in one
 * transaction: every change to a campaign's trials, git refs and event log takes that lock first,
 * so none can land halfway through, and the records, the log and the repository agree. It writes
 * into a temporary file, which the caller streams afterwards, so a slow client never holds the lock;
 * trials are held back only for as long as the export takes to write (docs/performance.md). Trials,
 * events and views are read page by page as detached rows, so memory does not grow with the campaign.
 */
@ApplicationScoped
public class CampaignExports {

    private static final Logger LOG = Logger.getLogger(CampaignExports.class);

    /** Rows per query. */
    private static final int PAGE = 500;
    /** The tail of a trial's log an export carries: each run's output is capped already, but attempts add up. */
    static final int LOG_BYTES = 256 * 1024;
    /** A big campaign's export may outlast the default transaction timeout of one minute. */
    private static final int TRANSACTION_SECONDS = 3600;

    /** What an export can be. */
    public enum Format {
        /** The auditable export: records, log, views, bundle, checkpoint, verify.py. */
        ZIP("zip", "application/zip"),
        /** trials.jsonl alone: the same canonical, chained lines as in the zip. */
        JSONL("jsonl", "application/x-ndjson"),
        /** One row per trial, for spreadsheets, pandas, MLflow and Optuna. */
        CSV("csv", "text/csv");

        private final String extension;
        private final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    /**
     * A written export in a temporary file, which the caller streams and deletes.
     *
     * @param summary what the zip holds; null for the plain tables
     */
    public record Written(Path file, String fileName, Format format, ExportWriter.Summary summary) {}

    private final Trials trials;
    private final EventLog events;
    private final GitTrialStore store;
    private final TrialLogs logs;
    private final EnvironmentCatalog catalog;
    private final ServerKey key;
    private final EntityManager em;
    private final Path cacheFolder;

    CampaignExports(Trials trials, EventLog events, GitTrialStore store, TrialLogs logs, EnvironmentCatalog catalog,
            ServerKey key, EntityManager em, EmpiricConfig config) {
        this.trials = trials;
        this.events = events;
        this.store = store;
        this.logs = logs;
        this.catalog = catalog;
        this.key = key;
        this.em = em;
        this.cacheFolder = config.dataDir().resolve("export-cache");
    }

    /** Writes campaign {@code campaignId} in {@code format} to a temporary file. */
    public Written write(long campaignId, Format format) {
        long start = System.nanoTime();
        Path file;
        try {
            file = Files.createTempFile("empiric-export-", "." + format.extension);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ExportWriter.Summary summary = QuarkusTransaction.requiringNew().timeout(TRANSACTION_SECONDS).call(() -> {
                Snapshot snapshot = new Snapshot(Campaign.lock(campaignId));
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    return snapshot.write(format, out);
                } catch (IllegalStateException | IllegalArgumentException broken) {
                    throw new ExportFailed(campaignId, broken);
                }
            });
            String name = ExportWriter.folder(campaignId) + "." + format.extension;
            if (summary != null) {
                LOG.infof("exported campaign %d: %d records, %d events, %d commits, %d files reused from its previous"
                        + " export, %d bytes, in %d ms", campaignId, summary.records(), summary.events(), summary.commits(),
                        summary.reusedFiles(), summary.zipBytes(), (System.nanoTime() - start) / 1_000_000);
            }
            return new Written(file, name, format, summary);
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    /** The campaign, its trials, its log and its views, as read under its lock in the current transaction. */
    private final class Snapshot implements ExportSource {

        private final Campaign campaign;
        private final ExportCampaign header;
        private final long lastEvent;

        Snapshot(Campaign campaign) {
            this.campaign = campaign;
            this.header = describe(campaign);
            this.lastEvent = campaign.lastEventSeq;
        }

        ExportWriter.Summary write(Format format, OutputStream out) throws IOException {
            boolean imported = campaign.importOrigin().isPresent();
            return switch (format) {
                case ZIP -> imported ? zip(null, out)
                        : store.read(campaign.id, repository -> zip(repository, out));
                case JSONL -> {
                    if (imported) {
                        ExportWriter.writeJsonl(trials(), null, out);
                    } else {
                        store.read(campaign.id, repository -> {
                            ExportWriter.writeJsonl(trials(), repository, out);
                            return null;
                        });
                    }
                    yield null;
                }
                case CSV -> {
                    List<String> columns = metricColumns();
                    if (imported) {
                        ExportWriter.writeCsv(trials(), null, columns, out);
                    } else {
                        store.read(campaign.id, repository -> {
                            ExportWriter.writeCsv(trials(), repository, columns, out);
                            return null;
                        });
                    }
                    yield null;
                }
            };
        }

        private ExportWriter.Summary zip(Repository repository, OutputStream out) throws IOException {
            Path cache = cacheFolder.resolve("campaign-" + campaign.id + ".bin");
            return new ExportWriter(key.get(), Clock.systemUTC()).writeZip(this, repository, out, cache);
        }

        @Override
        public ExportCampaign campaign() {
            return header;
        }

        @Override
        public Stream<TrialExport> trials() {
            Map<Integer, Double> incumbents = trials.keptScores(campaign.id);
            return pages(-1, after -> trials.rowsAfter(campaign.id, after, PAGE), TrialColumns::number)
                    .map(row -> new TrialExport(record(row, incumbents), row.diff(),
                            new TrialLog(logs.stamp(campaign.id, row.number()),
                                    () -> logs.tail(campaign.id, row.number(), LOG_BYTES))));
        }

        @Override
        public Stream<EventRecord> events() {
            return pages(0L, after -> {
                List<CampaignEvent> page = events.range(campaign.id, after, lastEvent, PAGE);
                List<EventRecord> records = new ArrayList<>(page.size());
                for (CampaignEvent event : page) {
                    records.add(EventRecord.of(event));
                    em.detach(event);
                }
                return records;
            }, EventRecord::seq);
        }

        @Override
        public Stream<ShownView> views() {
            // Pages of hashes, each page's texts loaded with one query.
            Function<String, List<List<String>>> hashPage = after -> {
                List<String> hashes = trials.viewHashesAfter(campaign.id, after, PAGE);
                return hashes.isEmpty() ? List.of() : List.of(hashes);
            };
            return pages("", hashPage, List::getLast).flatMap(hashes -> ProposerView.byHashes(hashes).stream())
                    .map(view -> new ShownView(view.hash, view.content));
        }

        private List<String> metricColumns() {
            List<String> columns = new ArrayList<>(List.of(header.metric()));
            campaign.importOrigin().ifPresentOrElse(origin -> { },
                    () -> spec(campaign).gates().stream().map(EnvironmentSpec.Gate::metric)
                            .filter(metric -> !columns.contains(metric)).forEach(columns::add));
            return columns;
        }
    }

    private ExportCampaign describe(Campaign campaign) {
        Optional<ImportOrigin> imported = campaign.importOrigin();
        if (imported.isPresent()) {
            ImportOrigin origin = imported.get();
            return new ExportCampaign(campaign.id, campaign.name, campaign.environment, campaign.environmentHash,
                    origin.metric(), origin.goal(), null, origin.format());
        }
        EnvironmentSpec spec = spec(campaign);
        Budgets budgets = Budgets.of(spec, campaign.parsedSettings());
        return new ExportCampaign(campaign.id, campaign.name, campaign.environment, campaign.environmentHash,
                spec.metric().name(), spec.metric().goal(), new ExportCampaign.KeepRule(budgets.minDelta(), budgets.z()),
                null);
    }

    private EnvironmentSpec spec(Campaign campaign) {
        return catalog.find(campaign.environment).orElseThrow(() -> new EnvironmentUnavailable(campaign)).spec();
    }

    /** A trial as the export records it; the hashes the writer computes from the files are left null. */
    static ExportRecord record(TrialColumns t, Map<Integer, Double> incumbents) {
        Integer incumbent = t.judgedAgainst();
        return new ExportRecord(t.number(), t.parent(), t.specialist(), t.hypothesis(), t.expectedDelta(), null,
                t.commitId(), null, t.state(), t.label(), t.sourceStatus(), t.labelReason(), t.score(), t.scoreStd(),
                TrialView.metrics(t.metrics()), t.artifactBytes(),
                new ExportRecord.Judgement(incumbent, incumbent == null ? null : incumbents.get(incumbent),
                        t.noiseFloor(), t.keepThreshold(),
                        t.confirmation() == null ? null : Json.read(t.confirmation(), JsonNode.class)),
                new ExportRecord.Timings(t.submittedAt(), t.startedAt(), t.finishedAt(), t.recipeSeconds(),
                        t.scoringSeconds()),
                t.attempts(), t.viewHash(), null, null);
    }

    /**
     * The items of keyset pages, fetched as the stream is consumed: {@code page} returns the items
     * after a key, {@code key} gives an item's key; an empty page ends the stream.
     */
    static <T, K> Stream<T> pages(K first, Function<K, List<T>> page, Function<T, K> key) {
        Iterator<T> items = new Iterator<>() {
            private K after = first;
            private Iterator<T> current = List.<T>of().iterator();
            private boolean done;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && !done) {
                    List<T> next = page.apply(after);
                    done = next.isEmpty();
                    if (!done) {
                        after = key.apply(next.getLast());
                        current = next.iterator();
                    }
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the system's cleanup takes it
        }
    }
}
