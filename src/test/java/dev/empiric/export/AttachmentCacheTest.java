package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An export reuses the deflated files of the campaign's previous export only where they still
 * hold: the zip it writes is byte for byte the one it would have written without them, a log that
 * changed or a diff that differs is read again, and a damaged cache costs only the time it saved.
 */
@Tag("unit")
class AttachmentCacheTest extends ExportFixtureTest {

    /** The fixture's trials carry 9 diffs and 9 logs, and name 8 views. */
    private static final int FILES = 9 + 9 + 8;

    private record Export(byte[] zip, ExportWriter.Summary summary) {}

    @Test
    void aSecondExportCopiesTheFirstsFilesAndWritesTheSameZip() throws IOException {
        Path cache = temp.resolve("same/attachments.bin");
        AtomicInteger logReads = new AtomicInteger();
        Export uncached = export(asServed(logReads, UnaryOperator.identity()), null);
        logReads.set(0);

        Export first = export(asServed(logReads, UnaryOperator.identity()), cache);
        assertEquals(0, first.summary().reusedFiles());
        assertEquals(9, logReads.get(), "a first export reads every log");
        assertTrue(Files.size(cache) > 0);

        logReads.set(0);
        Export second = export(asServed(logReads, UnaryOperator.identity()), cache);
        assertEquals(FILES, second.summary().reusedFiles());
        assertEquals(0, logReads.get(), "an unchanged log is not even read");
        assertArrayEquals(uncached.zip(), first.zip());
        assertArrayEquals(first.zip(), second.zip());
        Path unzipped = ExportChecks.unzip(second.zip(), temp.resolve("same/unzipped")).resolve(second.summary().folder());
        ExportChecks.Result verified = ExportChecks.verify(unzipped, fixture.key.publicKey());
        assertEquals(0, verified.exit(), verified.output());
    }

    @Test
    void aLogThatChangedOrADiffThatDiffersIsReadAgain() throws IOException {
        Path cache = temp.resolve("changed/attachments.bin");
        AtomicInteger logReads = new AtomicInteger();
        export(asServed(logReads, UnaryOperator.identity()), cache);
        String appended = "=== attempt 2\nepoch 1 loss 2.31\n";
        String otherDiff = "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-A = 1\n+A = 2\n";
        UnaryOperator<TrialExport> change = t -> switch (t.record().number()) {
            case 3 -> new TrialExport(t.record(), t.diff(), new TrialLog(t.log().stamp() + 1, () -> {
                logReads.incrementAndGet();
                return appended;
            }));
            case 5 -> new TrialExport(t.record(), otherDiff, t.log());
            default -> t;
        };

        logReads.set(0);
        Export second = export(asServed(logReads, change), cache);
        assertEquals(FILES - 2, second.summary().reusedFiles());
        assertEquals(1, logReads.get());
        assertEquals(appended, entry(second, "logs/3.log"));
        assertEquals(otherDiff, entry(second, "diffs/5.diff"));
        assertArrayEquals(export(asServed(new AtomicInteger(), change), null).zip(), second.zip());
    }

    @Test
    void aDamagedCacheCostsOnlyTheTimeItWouldHaveSaved() throws IOException {
        Path cache = temp.resolve("damaged/attachments.bin");
        Export first = export(asServed(new AtomicInteger(), UnaryOperator.identity()), cache);
        byte[] kept = Files.readAllBytes(cache);

        Files.write(cache, java.util.Arrays.copyOf(kept, kept.length / 2));
        Export truncated = export(asServed(new AtomicInteger(), UnaryOperator.identity()), cache);
        assertTrue(truncated.summary().reusedFiles() > 0 && truncated.summary().reusedFiles() < FILES,
                "the half that is whole is reused: " + truncated.summary().reusedFiles());
        assertArrayEquals(first.zip(), truncated.zip());
        assertArrayEquals(kept, Files.readAllBytes(cache), "and the cache is whole again");

        Files.writeString(cache, "not a cache at all\n".repeat(100));
        Export foreign = export(asServed(new AtomicInteger(), UnaryOperator.identity()), cache);
        assertEquals(0, foreign.summary().reusedFiles());
        assertArrayEquals(first.zip(), foreign.zip());
        try (Stream<Path> left = Files.list(cache.getParent())) {
            assertEquals(Set.of(cache, KeptBundle.fileBeside(cache)), left.collect(Collectors.toSet()),
                    "no temporary file is left beside the cache and the kept bundle");
        }
    }

    /**
     * The fixture as the server hands it over: each log with a stamp, read only when asked (counted),
     * and the views in the order of their hashes.
     */
    private static ExportSource asServed(AtomicInteger logReads, UnaryOperator<TrialExport> change) {
        return fixture.source(UnaryOperator.identity(), trials -> trials.map(t -> {
            String text = t.log().text().get();
            TrialLog log = text.isEmpty() ? TrialLog.NONE : new TrialLog(1_000 + t.record().number(), () -> {
                logReads.incrementAndGet();
                return text;
            });
            return change.apply(new TrialExport(t.record(), t.diff(), log));
        }), views -> views.sorted(Comparator.comparing(ShownView::sha256)));
    }

    private static Export export(ExportSource source, Path cache) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportWriter.Summary summary = writer().writeZip(source, fixture.repository, out,
                cache);
        return new Export(out.toByteArray(), summary);
    }

    private static String entry(Export export, String name) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(export.zip()))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getName().equals(export.summary().folder() + "/" + name)) {
                    return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " is not in the export");
    }
}
