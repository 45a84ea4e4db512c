package dev.empiric.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Every test run starts from an empty data directory: no campaigns, no repositories, no logs. */
public class FreshDataDir implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(Path.of("target"));
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "test-data-");
            return Map.of("empiric.data-dir", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {}
}
