package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This server's identity among the servers that share a store: every container and volume carries
 * it as a label, it owns the leases of the trials this server evaluates, and it names this server's
 * scratch folder. It is {@code empiric.instance-id} when configured (each server sharing a data
 * directory needs its own), otherwise a generated one kept in the data directory, so that it
 * survives restarts and a restarted server removes and recovers exactly what it left behind.
 */
@ApplicationScoped
public class InstanceIdentity {

    /** Also what Docker accepts in volume names, which carry the id. */
    static final String SHAPE = "[A-Za-z0-9][A-Za-z0-9_.-]{0,39}";

    private final String id;
    private final Path workDir;

    InstanceIdentity(EmpiricConfig config) {
        id = config.instanceId().map(String::strip).orElseGet(() -> stored(config.dataDir()));
        if (!id.matches(SHAPE)) {
            throw new IllegalStateException("empiric.instance-id '" + id + "' must be 1-40 letters, digits or _.-"
                    + " and start with a letter or digit");
        }
        workDir = config.dataDir().resolve("work").resolve(id);
    }

    private static String stored(Path dataDir) {
        Path file = dataDir.resolve("instance-id");
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                Files.writeString(file, UUID.randomUUID().toString().substring(0, 13).replace("-", ""));
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    public String id() {
        return id;
    }

    /** This server's scratch folder for check-outs; nothing in it outlives the attempt that made it. */
    public Path workDir() {
        return workDir;
    }
}
