package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;

/**
 * An export that cannot be made whole is refused with the reason, whichever of its two threads
 * found the fault ({@link DerivedFiles}), and leaves nothing behind: no thread still running, no
 * spool folder, no partial cache.
 */
class ExportRefusalTest extends ExportFixtureTest {

    @Test
    void anEventLogWithAGapIsRefused() {
        Exception refused = refused(events -> events.filter(e -> e.seq() != 3), UnaryOperator.identity(),
                fixture.repository);
        assertEquals(IllegalStateException.class, refused.getClass());
        assertTrue(refused.getMessage().contains("the event log jumps from 2 to 4"), refused.getMessage());
    }

    @Test
    void anAlteredEventIsRefused() {
        Exception refused = refused(events -> events.map(e -> e.seq() != 5 ? e : new EventRecord(e.seq(), e.type(),
                e.trial(), "someone else", e.at(), e.payload(), e.prevHash(), e.hash())), UnaryOperator.identity(),
                fixture.repository);
        assertTrue(refused.getMessage().contains("event 5 of the event log does not chain"), refused.getMessage());
    }

    @Test
    void aStoreThatFailsMidwayStopsTheExport() {
        Exception refused = refused(UnaryOperator.identity(), trials -> trials.peek(t -> {
            if (t.record().number() == 4) {
                throw new UncheckedIOException(new IOException("the store went away"));
            }
        }), fixture.repository);
        assertEquals(UncheckedIOException.class, refused.getClass());
        assertEquals("the store went away", refused.getCause().getMessage());
    }

    @Test
    void commitsWithoutTheirRepositoryAreRefused() {
        Exception refused = refused(UnaryOperator.identity(), UnaryOperator.identity(), null);
        assertTrue(refused.getMessage().contains("the trials have commits, so the export needs their repository"),
                refused.getMessage());
    }

    /** Exports the fixture with its log and trials changed; returns what the export threw, having checked the leftovers. */
    private static Exception refused(UnaryOperator<Stream<EventRecord>> events, UnaryOperator<Stream<TrialExport>> trials,
            Repository repository) {
        ExportSource changed = fixture.source(events, trials, UnaryOperator.identity());
        Set<Path> spoolsBefore = spools();
        Path cache = temp.resolve("cache-" + System.nanoTime() + ".bin");
        Exception refused = assertThrows(Exception.class, () -> writer()
                .writeZip(changed, repository, new ByteArrayOutputStream(), cache));
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("export-campaign-")) {
                // A pool thread whose task ended may still be on its way out: give it a moment, not more.
                assertTrue(joined(thread), "the export's second thread was stopped");
            }
        }
        assertTrue(spoolsBefore.containsAll(spools()), "the spool folder was removed");
        assertTrue(Files.notExists(cache), "a refused export keeps no cache");
        assertTrue(Files.notExists(KeptBundle.fileBeside(cache)), "nor a bundle");
        return refused;
    }

    private static boolean joined(Thread thread) {
        try {
            return thread.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Set<Path> spools() {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("empiric-export-")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
