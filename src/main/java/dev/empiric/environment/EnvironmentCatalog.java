package dev.empiric.environment;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.empiric.EmpiricConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The environments found under {@code empiric.environments-dir}, checked in full when the server
 * starts. A broken environment is not dropped silently: it stays listed with its problems (over REST
 * too), so that whoever edited it sees what to fix, and campaigns simply cannot use it.
 */
@Startup
@ApplicationScoped
public class EnvironmentCatalog {

    private static final Logger LOG = Logger.getLogger(EnvironmentCatalog.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);

    /** An environment folder that could not be loaded, and why. */
    public record Broken(String name, Path dir, List<String> problems) {}

    private final Map<String, Environment> usable = new TreeMap<>();
    private final Map<String, Broken> broken = new TreeMap<>();

    EnvironmentCatalog(EmpiricConfig config) {
        Path root = config.environmentsDir();
        if (!Files.isDirectory(root)) {
            LOG.warnf("no environments folder at %s", root);
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("environment.yaml"))).sorted().toList()) {
                String name = dir.getFileName().toString();
                try {
                    usable.put(name, load(dir));
                } catch (InvalidEnvironment e) {
                    broken.put(name, new Broken(name, dir, e.problems));
                    LOG.errorf("environment %s is broken and cannot be used: %s", name, String.join("; ", e.problems));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.infof("environments: %s%s", usable.keySet(), broken.isEmpty() ? "" : "; broken: " + broken.keySet());
    }

    public List<Environment> all() {
        return List.copyOf(usable.values());
    }

    public List<Broken> broken() {
        return List.copyOf(broken.values());
    }

    public Optional<Environment> find(String name) {
        return Optional.ofNullable(usable.get(name));
    }

    /** The usable environment, or {@link UnknownEnvironment} naming the usable ones. */
    public Environment require(String name) {
        return find(name).orElseThrow(() -> new UnknownEnvironment(name, usable.keySet().toString()));
    }

    /** Loads and checks one environment folder; the spec it returns has every default filled. */
    public static Environment load(Path dir) throws InvalidEnvironment {
        EnvironmentSpec spec;
        try {
            spec = YAML.readValue(dir.resolve("environment.yaml").toFile(), EnvironmentSpec.class);
        } catch (IOException e) {
            throw new InvalidEnvironment(List.of("environment.yaml: " + e.getMessage().lines().findFirst().orElse("")));
        }
        List<String> problems = SpecCheck.problems(dir, spec);
        if (!problems.isEmpty()) {
            throw new InvalidEnvironment(problems);
        }
        try {
            return new Environment(spec.name(), dir, spec.withDefaults(), contentHash(dir), knowledge(dir));
        } catch (IOException e) {
            throw new InvalidEnvironment(List.of("unreadable: " + e.getMessage()));
        }
    }

    /** Every {@code knowledge/*.md} file, in name order, separated by blank lines ("" when there is none). */
    private static String knowledge(Path dir) throws IOException, InvalidEnvironment {
        Path folder = dir.resolve("knowledge");
        if (!Files.isDirectory(folder)) {
            return "";
        }
        StringBuilder notes = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".md") && Files.isRegularFile(f))
                    .sorted().toList()) {
                notes.append(notes.isEmpty() ? "" : "\n\n").append(Files.readString(file).strip());
            }
        }
        int bytes = notes.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Environment.MAX_KNOWLEDGE_BYTES) {
            throw new InvalidEnvironment(List.of("knowledge/ holds " + bytes + " bytes of Markdown; at most "
                    + Environment.MAX_KNOWLEDGE_BYTES + " are pinned into every brief, so shorten it"));
        }
        return notes.toString();
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

    /** What is wrong with an environment folder, one sentence per problem. */
    public static final class InvalidEnvironment extends Exception {
        private final List<String> problems;

        InvalidEnvironment(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
