package dev.empiric.process;

import static dev.empiric.support.ProcessApi.await;
import static dev.empiric.support.ProcessApi.awaitSettled;
import static dev.empiric.support.ProcessApi.createCampaign;
import static dev.empiric.support.ProcessApi.submit;
import static dev.empiric.support.ProcessApi.trialId;
import static dev.empiric.support.ProcessApi.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.empiric.support.Containers;
import dev.empiric.support.Diffs;
import dev.empiric.support.ServerProcess;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server killed with SIGKILL in the middle of a trial, then started again on the same data (H2,
 * the default store): nothing is lost, nothing stays RUNNING, nothing is left on the engine or in
 * the work folder, and the interrupted trial runs again as attempt 2, at once, without waiting for
 * its lease to run out (the restarted server knows the trial was its own). Stopped (SIGTERM) right
 * after an outcome, while that trial's containers are still being removed, it leaves nothing either.
 */
class CrashRestartIT {

    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final String INSTANCE = "it-crash";

    private ServerProcess server;
    private final DockerClient docker = Containers.client("unix:///var/run/docker.sock");

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aKilledServerLosesNothingAndRunsTheInterruptedTrialAgain() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "crash-restart-");
        server = ServerProcess.start("crash-restart", Map.of(
                "EMPIRIC_DATA_DIR", data.toString(),
                "EMPIRIC_ENVIRONMENTS_DIR", Diffs.TEST_ENVIRONMENTS.toString(),
                "EMPIRIC_INSTANCE_ID", INSTANCE,
                // A long lease: recovery after the restart must not wait for it.
                "EMPIRIC_LEASE_DURATION", "10m"));
        long campaign = createCampaign(server, "shell", "crash and restart");
        assertEquals("BASELINE", awaitSettled(server, trialId(server, campaign, 0), PATIENCE).getString("label"));
        long interrupted = submit(server, campaign, "runs for a while", Diffs.shell(5, "8"));
        List<Long> queued = List.of(submit(server, campaign, "queued behind it", Diffs.shell(3, "0")),
                submit(server, campaign, "queued last", Diffs.shell(7, "0")));
        await(server, interrupted, trial -> trial.getString("state").equals("RUNNING"), PATIENCE);
        until("the trial's recipe container runs", PATIENCE,
                () -> Containers.runningOfTrial(docker, INSTANCE, campaign, 1).size() >= 2);

        server.kill9();
        assertFalse(Containers.of(docker, INSTANCE).isEmpty(), "the killed server's containers are still there");

        long restarted = System.nanoTime();
        server.start();
        JsonPath again = awaitSettled(server, interrupted, PATIENCE);
        assertTrue(Duration.ofNanos(System.nanoTime() - restarted).toSeconds() < 120, "re-run without waiting for the lease");
        assertEquals("FINISHED", again.getString("state"));
        assertEquals("KEEP", again.getString("label"), again.prettify());
        assertEquals(2, again.getInt("attempts"));
        assertEquals(5.0, again.getDouble("score"));
        assertTrue(again.getString("notes").contains("interrupted by a server stop"), again.getString("notes"));
        for (long id : queued) {
            JsonPath trial = awaitSettled(server, id, PATIENCE);
            assertEquals(1, trial.getInt("attempts"), trial.prettify());
            assertTrue(List.of("KEEP", "DISCARD").contains(trial.getString("label")), trial.prettify());
        }
        List<Object> states = server.api().get("/api/campaigns/{id}/trials", campaign).then().statusCode(200)
                .extract().jsonPath().getList("items.state");
        assertEquals(List.of("FINISHED", "FINISHED", "FINISHED", "FINISHED"), states, "nothing lost, nothing RUNNING");
        until("no container or volume left", Duration.ofSeconds(30),
                () -> Containers.of(docker, INSTANCE).isEmpty() && Containers.volumes(docker, INSTANCE).isEmpty());
        Path work = data.resolve("work");
        try (Stream<Path> left = Files.exists(work) ? Files.walk(work) : Stream.empty()) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "check-outs left in the work folder");
        }

        // Stopped right after an outcome, while that trial's removals may still be under way: nothing is left either.
        awaitSettled(server, submit(server, campaign, "the last before a stop", Diffs.shell(2, "0")), PATIENCE);
        server.stop();
        assertEquals(List.of(), Containers.of(docker, INSTANCE), "containers left by a stop");
        assertEquals(List.of(), Containers.volumes(docker, INSTANCE), "volumes left by a stop");
    }
}
