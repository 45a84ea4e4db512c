package dev.empiric.support;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}, built by {@code ./mvnw package})
 * started as a process of its own, as an operator starts it: configured through environment
 * variables, on a free port, with its log in {@code target/process-logs}. Tests kill it with
 * SIGKILL, stop it with SIGTERM and start it again on the same data, which an in-process test server
 * cannot do. The data directory, instance id and the rest of the configuration come from the test.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Map<String, String> environment;
    private final int port;
    private final Path log;
    private Process process;

    private ServerProcess(String name, Map<String, String> environment) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.port = freePort();
        this.log = Path.of("target", "process-logs").toAbsolutePath();
    }

    /** Starts a server and waits until it answers (live; ready needs the Docker engine, which may be down). */
    public static ServerProcess start(String name, Map<String, String> environment) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: these tests run after `./mvnw package` (mvn verify)");
        }
        ServerProcess server = new ServerProcess(name, environment);
        server.start();
        return server;
    }

    /** Starts the same server again (same port, data and identity) after a stop or a kill. */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xmx512m", "-jar", JAR.toAbsolutePath().toString()));
        Map<String, String> env = new HashMap<>(environment);
        env.put("PORT", Integer.toString(port));
        try {
            Files.createDirectories(log);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitStatus("/q/health/live", 200, STARTUP);
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** A REST call against this server, as its admin (the token it wrote to its data directory at first start). */
    public RequestSpecification api() {
        Path token = Path.of(environment.get("EMPIRIC_DATA_DIR"), "admin-token");
        try {
            return given().baseUri(url()).header("Authorization", "Bearer " + Files.readString(token).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("the server " + name + " has no admin token at " + token, e);
        }
    }

    public Path logFile() {
        return log.resolve(name + ".log");
    }

    public String logText() {
        try {
            return Files.readString(logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the JVM outright (SIGKILL), as a crash, an OOM killer or a power cut would. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit();
    }

    /** Stops the server as an operator does (SIGTERM), and waits for it to end. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            awaitExit();
        }
    }

    /** The HTTP status of GET {@code path}, or -1 when the server does not answer. */
    public int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until GET {@code path} answers {@code status}; fails with the log's tail if it never does. */
    public void awaitStatus(String path, int status, Duration patience) {
        Instant until = Instant.now().plus(patience);
        while (status(path) != status) {
            if (!process.isAlive() && status != -1) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError(name + ": GET " + path + " did not answer " + status + " within " + patience
                        + ":\n" + tail());
            }
            sleep(Duration.ofMillis(200));
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        String text = logText();
        return text.substring(Math.max(0, text.length() - 4000));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
