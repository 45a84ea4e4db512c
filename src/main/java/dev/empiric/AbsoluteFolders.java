package dev.empiric;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes the server's folders absolute and normalised once, when configuration is read: whatever
 * spelling a user gives ({@code trials}, {@code ./trials}, a symlink), every consumer gets the same
 * absolute path. A relative default used to reach some consumers with its {@code ./} segment and
 * others without it, and a containment check comparing a normalised path with a raw one refused
 * every file (issue 7). It is a configuration source above all others, so the H2 URL's
 * {@code ${empiric.data-dir}} reads the absolute value as well and H2 never sees a relative path.
 */
public class AbsoluteFolders implements ConfigSourceFactory {

    static final List<String> FOLDERS = List.of("empiric.data-dir", "empiric.environments-dir");
    /** Above system properties (400) and environment variables (300). */
    static final int ORDINAL = 1000;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> absolute = new HashMap<>();
        for (String folder : FOLDERS) {
            ConfigValue value = context.getValue(folder);
            if (value != null && value.getValue() != null && !value.getValue().isBlank()) {
                absolute.put(folder, Path.of(value.getValue()).toAbsolutePath().normalize().toString());
            }
        }
        return List.of(new PropertiesConfigSource(absolute, "empiric absolute folders", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
