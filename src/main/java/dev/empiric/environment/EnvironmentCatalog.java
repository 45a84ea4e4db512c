package dev.empiric.environment;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.empiric.EmpiricConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** The environments found under {@code empiric.environments-dir}, validated when the server starts. */
@Startup
@ApplicationScoped
public class EnvironmentCatalog {

    private static final Logger LOG = Logger.getLogger(EnvironmentCatalog.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);

    private final Map<String, Environment> environments = new TreeMap<>();

    EnvironmentCatalog(EmpiricConfig config) {
        Path root = config.environmentsDir().toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            LOG.warnf("no environments folder at %s", root);
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("environment.yaml"))).toList()) {
                try {
                    Environment environment = load(dir);
                    environments.put(environment.name(), environment);
                } catch (IOException e) {
                    LOG.errorf("environment %s is not usable: %s", dir.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.infof("environments: %s", environments.keySet());
    }

    public List<Environment> all() {
        return List.copyOf(environments.values());
    }

    public Optional<Environment> find(String name) {
        return Optional.ofNullable(environments.get(name));
    }

    static Environment load(Path dir) throws IOException {
        EnvironmentSpec spec;
        try {
            spec = YAML.readValue(dir.resolve("environment.yaml").toFile(), EnvironmentSpec.class);
        } catch (IOException e) {
            throw new InvalidEnvironmentException("environment.yaml: " + e.getMessage());
        }
        List<String> problems = validate(dir, spec);
        if (!problems.isEmpty()) {
            throw new InvalidEnvironmentException(String.join("; ", problems));
        }
        return new Environment(spec.name(), dir, spec, contentHash(dir));
    }

    private static List<String> validate(Path dir, EnvironmentSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec.name() == null || !spec.name().matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            problems.add("name must be lower-case letters, digits, '-' or '_'");
        } else if (!spec.name().equals(dir.getFileName().toString())) {
            problems.add("name '" + spec.name() + "' differs from its folder name");
        }
        if (spec.metric() == null || spec.metric().name() == null || spec.metric().goal() == null) {
            problems.add("metric needs a name and a goal (maximize or minimize)");
        }
        if (spec.editable() == null || spec.editable().isEmpty()) {
            problems.add("editable must list at least one path");
        }
        if (spec.recipe() == null || spec.recipe().command() == null || spec.recipe().seconds() == null) {
            problems.add("recipe needs a command and seconds");
        }
        if (spec.scoring() == null || spec.scoring().command() == null || spec.scoring().seconds() == null) {
            problems.add("scoring needs a command and seconds");
        }
        if (spec.seeds() == null || spec.seeds().isEmpty()) {
            problems.add("seeds must list at least one seed");
        }
        if (!Files.isDirectory(dir.resolve("recipe"))) {
            problems.add("recipe/ folder is missing");
        }
        if (!Files.isRegularFile(dir.resolve("Dockerfile"))) {
            problems.add("Dockerfile is missing");
        }
        return problems;
    }

    /** SHA-256 over every file's relative path and content, in a stable order. */
    private static String contentHash(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(dir.relativize(file).toString().getBytes());
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class InvalidEnvironmentException extends IOException {
        InvalidEnvironmentException(String message) {
            super(message);
        }
    }
}
