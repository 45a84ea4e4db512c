package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.trial.TrialState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported run exports and verifies like any campaign: no repository, labels its harness decided
 * (counted, not judged), and views regenerated from the imported records that the importer reads
 * back to the same trials.
 */
@Tag("unit")
class ImportedRunExportTest {

    @TempDir
    Path temp;

    @Test
    void thePapersRunExportsVerifiesAndReadsBack() throws IOException, InterruptedException {
        ImportedRun run = ResultsImport.read(ResultsImport.RECIPES,
                resource("/reference/auto-research-recipes/pg_ablation_lineage_on/results.tsv"));
        ExportCampaign campaign = new ExportCampaign(42, "pg lineage on (imported)", "parameter-golf", null,
                run.metric(), run.goal(), null, run.format());
        SigningKey key = SigningKey.loadOrCreate(temp.resolve("keys"));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ExportWriter.Summary summary = new ExportWriter(key, Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"),
                ZoneOffset.UTC)).writeZip(source(campaign, run), null, zip);
        assertEquals(201, summary.records());
        assertEquals(0, summary.commits());
        Path folder = unzip(zip.toByteArray(), temp.resolve("export")).resolve(summary.folder());
        assertTrue(Files.notExists(folder.resolve("repo.bundle")));

        Process python = new ProcessBuilder("/usr/bin/python3", folder.resolve("verify.py").toString(),
                folder.toString(), "--key", key.publicKey()).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), output);
        assertTrue(output.contains("git: no trial has a commit (an imported run); nothing to recompute"), output);
        assertTrue(output.contains("labels: 0 KEEP/DISCARD decisions follow the keep rule against the incumbent in"
                + " force (140 imported labels not checkable: their harness kept no threshold)"), output);
        assertEquals(output, Verifier.verify(folder, key.publicKey()).report());

        String best = Files.readString(folder.resolve("best.json"));
        assertTrue(best.contains("\"exp_id\":\"176\"") && best.contains("\"score\":1.073142"), best);
        assertTrue(Files.readString(folder.resolve("KNOWLEDGE.md")).contains(
                "     └─ exp_176 [opt, keep, val_bpb=1.073142, Δ=-0.001065] Muon momentum cooldown"));

        ImportedRun again = ResultsImport.read(ResultsImport.RECIPES, Files.readString(folder.resolve("results.tsv")));
        assertEquals(0, again.report().flagged(), again.report().issues().toString());
        assertEquals(run.rows().size(), again.rows().size());
        for (int i = 0; i < run.rows().size(); i++) {
            ImportRow before = run.rows().get(i);
            ImportRow after = again.rows().get(i);
            assertEquals(List.of(before.number(), String.valueOf(before.parent()), String.valueOf(before.label()),
                    String.valueOf(before.score()), before.hypothesis()), List.of(after.number(),
                    String.valueOf(after.parent()), String.valueOf(after.label()), String.valueOf(after.score()),
                    after.hypothesis()), "row " + i + " reads back the same");
        }
    }

    /** The mapping the server makes when it stores an import, reduced to what the export needs. */
    private static ExportSource source(ExportCampaign campaign, ImportedRun run) {
        Map<Integer, Double> scores = new HashMap<>();
        run.rows().forEach(r -> scores.put(r.number(), r.score()));
        return new ExportSource() {
            @Override
            public ExportCampaign campaign() {
                return campaign;
            }

            @Override
            public Stream<TrialExport> trials() {
                return run.rows().stream().map(r -> new TrialExport(new ExportRecord(r.number(), r.parent(),
                        r.specialist(), r.hypothesis(), r.expectedDelta(), null, null, null, TrialState.FINISHED,
                        r.label(), r.sourceStatus(), r.notes(), r.score(), null, r.metrics(), r.artifactBytes(),
                        new ExportRecord.Judgement(r.incumbent(), r.incumbent() == null ? null : scores.get(r.incumbent()),
                                null, null),
                        new ExportRecord.Timings(null, null, r.timestamp(), r.recipeSeconds(), r.scoringSeconds()), 1,
                        null, null, null), null, TrialLog.NONE));
            }

            @Override
            public Stream<EventRecord> events() {
                return Stream.empty();
            }

            @Override
            public Stream<ShownView> views() {
                return Stream.empty();
            }
        };
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ImportedRunExportTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path unzip(byte[] zip, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path file = target.resolve(entry.getName()).normalize();
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
            }
        }
        return target;
    }
}
