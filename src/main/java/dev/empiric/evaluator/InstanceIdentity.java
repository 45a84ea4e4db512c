package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This server's identity, kept in the data directory so that it survives restarts: every container
 * and volume carries it as a label, and a restarted server removes exactly what it left behind.
 */
@ApplicationScoped
public class InstanceIdentity {

    private final String id;

    InstanceIdentity(EmpiricConfig config) {
        Path file = config.dataDir().resolve("instance-id");
        try {
            Files.createDirectories(config.dataDir());
            if (!Files.exists(file)) {
                Files.writeString(file, UUID.randomUUID().toString().substring(0, 13).replace("-", ""));
            }
            id = Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    public String id() {
        return id;
    }
}
