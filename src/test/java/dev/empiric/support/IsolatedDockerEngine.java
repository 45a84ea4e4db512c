package dev.empiric.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of the test's own: a second {@code dockerd} with its own socket, data root, exec
 * root, containerd namespace and bridge, so a test can stop and start it mid-trial without touching
 * the machine's engine, which other test runs may be using. The bridge is its own because a dockerd
 * started with {@code --bridge none} deletes the machine's {@code docker0}, and the machine's engine
 * then fails every image build until it is restarted (this broke a CI run). Its one image is a
 * small root file system made of this machine's bash, coreutils and findutils ({@link #TINY_IMAGE}),
 * enough for the {@code shell} test environment. Needs root and Debian's docker.io.
 */
public final class IsolatedDockerEngine implements AutoCloseable {

    public static final String TINY_IMAGE = "empiric-test/tiny:1";
    /** What the shell environment, the keeper and the clean-up between seeds run. */
    private static final List<String> PROGRAMS = List.of("bash", "sh", "sleep", "cat", "head", "tr", "chmod", "find");

    /** The bridge interface of the test's engines (they run one at a time), made here and removed at close. */
    private static final String BRIDGE = "empiric-it0";
    private static final String BRIDGE_ADDRESS = "10.213.77.1/24";

    private final Path dataRoot;
    private final Path runRoot;
    private final String namespace;
    private Process dockerd;

    private IsolatedDockerEngine(Path dataRoot, Path runRoot) {
        this.dataRoot = dataRoot;
        this.runRoot = runRoot;
        this.namespace = "empiric-it-" + runRoot.getFileName().toString().replaceAll("[^a-z0-9]", "");
    }

    /** Whether this machine can run one: root, and a dockerd to start. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/dockerd"));
    }

    /** Starts an engine and imports the tiny image into it. */
    public static IsolatedDockerEngine start() throws IOException {
        // Unix socket paths are short (108 bytes): the sockets live under /tmp, the images under target/.
        IsolatedDockerEngine engine = new IsolatedDockerEngine(
                Files.createTempDirectory(Path.of("target").toAbsolutePath(), "docker-data-"),
                Files.createTempDirectory(Path.of("/tmp"), "empiric-engine-"));
        if (shell("ip link show " + BRIDGE + " >/dev/null 2>&1 || { ip link add name " + BRIDGE + " type bridge"
                + " && ip addr add " + BRIDGE_ADDRESS + " dev " + BRIDGE + " && ip link set " + BRIDGE + " up; }") != 0) {
            throw new IllegalStateException("could not create the bridge " + BRIDGE + " for the test's engine");
        }
        engine.startDaemon();
        engine.importTinyImage();
        return engine;
    }

    /** The {@code DOCKER_HOST} of this engine. */
    public String host() {
        return "unix://" + runRoot.resolve("docker.sock");
    }

    /** Starts the daemon (again, after {@link #stopDaemon}) and waits until it answers. */
    public void startDaemon() {
        try {
            dockerd = new ProcessBuilder("/usr/sbin/dockerd", "--data-root", dataRoot.resolve("data").toString(),
                    "--exec-root", runRoot.resolve("exec").toString(), "--pidfile", runRoot.resolve("docker.pid").toString(),
                    "-H", host(), "--bridge", BRIDGE, "--iptables=false", "--ip-masq=false",
                    "--containerd-namespace", namespace, "--containerd-plugins-namespace", namespace + "-plugins")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataRoot.resolve("dockerd.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant until = Instant.now().plusSeconds(60);
        while (!answers()) {
            if (!dockerd.isAlive() || Instant.now().isAfter(until)) {
                throw new IllegalStateException("the isolated dockerd did not come up; see " + dataRoot.resolve("dockerd.log"));
            }
            ServerProcess.sleep(Duration.ofMillis(200));
        }
    }

    /** Stops the daemon as a restart of the engine would (SIGTERM: it stops its containers and exits). */
    public void stopDaemon() {
        if (dockerd != null && dockerd.isAlive()) {
            dockerd.destroy();
            try {
                if (!dockerd.waitFor(90, TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopDaemon();
        shell("rm -rf --one-file-system '" + dataRoot + "' '" + runRoot + "'; ip link delete " + BRIDGE + " 2>/dev/null");
    }

    private boolean answers() {
        return shell("docker -H " + host() + " info >/dev/null 2>&1") == 0;
    }

    /** A root file system of the programs the shell environment needs, with their shared libraries. */
    private void importTinyImage() {
        String programs = String.join(" ", PROGRAMS);
        int status = shell("set -eo pipefail; files=$(for p in " + programs + "; do command -v $p; done);"
                + " libs=$(ldd $files | grep -o '/[^ :]*' | sort -u);"
                + " printf '%s\\n' $files $libs | sort -u | tar -C / --dereference --hard-dereference -cf - -T - 2>/dev/null"
                + " | docker -H " + host() + " import - " + TINY_IMAGE + " >/dev/null");
        if (status != 0) {
            throw new IllegalStateException("could not build " + TINY_IMAGE + " from this machine's programs");
        }
    }

    private static int shell(String script) {
        try {
            return new ProcessBuilder("bash", "-c", script).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
