package dev.empiric.export;

import dev.empiric.Sha256;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export's zip writer is read by the JDK (both ways), Python's zipfile and unzip, past the 65,535-entry limit too. */
@Tag("unit")
class StreamingZipTest {

    @TempDir
    Path temp;

    @Test
    void aSmallArchiveReadsBackEveryWay() throws Exception {
        byte[] random = new byte[300_000];
        new Random(7).nextBytes(random);
        Path file = temp.resolve("small.zip");
        try (OutputStream out = Files.newOutputStream(file);
                StreamingZip zip = new StreamingZip(out, temp.resolve("cd"), Instant.parse("2026-11-22T10:11:12Z"))) {
            zip.putNextEntry("export/trials.jsonl").write("{\"number\":0}\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry("export/views/\u00e9t\u00e9.md").write("caf\u00e9\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            // As an export's bundle: stored (a pack is compressed already), made into a file of its own first.
            StreamingZip.Spooled bundle = StreamingZip.spool(temp.resolve("bundle"), Deflater.NO_COMPRESSION,
                    entry -> entry.write(random));
            assertEquals(Sha256.hex(random), bundle.sha256());
            assertTrue(bundle.compressed() > random.length, "stored, not deflated: " + bundle.compressed());
            zip.putSpooled("export/repo.bundle", bundle);
            zip.putNextEntry("export/empty").close();
            zip.closeEntry();
            zip.finish();
        }
        assertFalse(Files.exists(temp.resolve("cd")), "the central directory spool is removed");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(4, zip.size());
            assertEquals("{\"number\":0}\n", new String(zip.getInputStream(zip.getEntry("export/trials.jsonl")).readAllBytes(),
                    StandardCharsets.UTF_8));
            assertEquals("caf\u00e9\n".repeat(1000), new String(zip.getInputStream(
                    zip.getEntry("export/views/\u00e9t\u00e9.md")).readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(java.util.Arrays.equals(random, zip.getInputStream(zip.getEntry("export/repo.bundle")).readAllBytes()));
            assertEquals(0, zip.getEntry("export/empty").getSize());
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file))) {
            int count = 0;
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; count++) {
                in.readAllBytes();
            }
            assertEquals(4, count);
        }
        assertEquals("", run("/usr/bin/python3", "-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]);"
                + " print(z.testzip() or '', end='')", file.toString()));
    }

    @Test
    void pastSixtyFiveThousandEntriesTheEndRecordsAreZip64() throws Exception {
        Path file = temp.resolve("many.zip");
        int entries = 70_000;
        try (OutputStream out = Files.newOutputStream(file);
                StreamingZip zip = new StreamingZip(out, temp.resolve("cd"), Instant.now())) {
            for (int i = 0; i < entries; i++) {
                zip.putNextEntry("logs/" + i + ".log").write(("log of trial " + i + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            zip.finish();
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(entries, zip.size());
            assertEquals("log of trial 69999\n", new String(zip.getInputStream(zip.getEntry("logs/69999.log"))
                    .readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("70000 None", run("/usr/bin/python3", "-c", "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]);"
                + " print(len(z.infolist()), z.testzip(), end='')", file.toString()));
        assertTrue(run("unzip", "-tq", file.toString()).contains("No errors detected"));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
