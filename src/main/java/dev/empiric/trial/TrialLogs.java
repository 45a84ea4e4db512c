package dev.empiric.trial;

import dev.empiric.EmpiricConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** One log file per trial: every container run of every attempt, each as a bounded tail. */
@ApplicationScoped
public class TrialLogs {

    private final Path root;

    TrialLogs(EmpiricConfig config) {
        this.root = config.dataDir().resolve("logs");
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
