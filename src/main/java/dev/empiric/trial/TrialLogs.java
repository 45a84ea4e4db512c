package dev.empiric.trial;

import dev.empiric.EmpiricConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * One log file per trial: every container run of every attempt, each as a bounded tail. Each section
 * written is announced to local observers ({@link Appended}), so that a page showing the trial can
 * show it while the trial still runs.
 */
@ApplicationScoped
public class TrialLogs {

    /** A section was added to a trial's log; {@code bytes} is the log's size after it. */
    public record Appended(long campaignId, int number, String heading, long bytes) {}

    private final Path root;
    private final Event<Appended> announcements;

    TrialLogs(EmpiricConfig config, Event<Appended> announcements) {
        this.root = config.dataDir().resolve("logs");
        this.announcements = announcements;
    }

    public Path path(long campaignId, int number) {
        return root.resolve("campaign-" + campaignId).resolve("trial-" + number + ".log");
    }

    public void append(long campaignId, int number, String heading, String text) {
        Path file = path(campaignId, number);
        try {
            Files.createDirectories(file.getParent());
            String section = "=== " + Instant.now() + " " + heading + "\n" + text + (text.endsWith("\n") ? "" : "\n");
            Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            announcements.fire(new Appended(campaignId, number, heading, Files.size(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A number that changes whenever the trial's log does (from its size and modification time), so
     * that a copy made from it can be reused until then; 0 when there is no log.
     */
    public long stamp(long campaignId, int number) {
        try {
            BasicFileAttributes file = Files.readAttributes(path(campaignId, number), BasicFileAttributes.class);
            return file.size() == 0 ? 0 : file.size() * 1_000_003L + file.lastModifiedTime().toMillis();
        } catch (NoSuchFileException nothingRan) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code maxBytes} of the trial's log, or an empty string when nothing ran yet. */
    public String tail(long campaignId, int number, int maxBytes) {
        Path file = path(campaignId, number);
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - maxBytes);
            raf.seek(start);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
