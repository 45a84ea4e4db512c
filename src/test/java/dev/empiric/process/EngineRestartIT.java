package dev.empiric.process;

import static dev.empiric.support.ProcessApi.await;
import static dev.empiric.support.ProcessApi.awaitSettled;
import static dev.empiric.support.ProcessApi.createCampaign;
import static dev.empiric.support.ProcessApi.submit;
import static dev.empiric.support.ProcessApi.trialId;
import static dev.empiric.support.ProcessApi.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import dev.empiric.support.Containers;
import dev.empiric.support.Diffs;
import dev.empiric.support.IsolatedDockerEngine;
import dev.empiric.support.ServerProcess;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Docker engine stops in the middle of a trial and comes back (an engine restart, an upgrade):
 * the attempt is the platform's failure, never the recipe's, the trial runs again once the engine
 * answers, readiness reports the engine DOWN meanwhile and UP after, and nothing is left on the
 * engine. The engine is one of the test's own ({@link IsolatedDockerEngine}): stopping the machine's
 * engine would break whatever else runs on it.
 */
class EngineRestartIT {

    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final String INSTANCE = "it-engine";

    private IsolatedDockerEngine engine;
    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void anEngineRestartMidTrialIsRetriedAndNeverBlamedOnTheRecipe() throws Exception {
        assumeTrue(IsolatedDockerEngine.available(), "needs root and /usr/sbin/dockerd to run an engine of its own");
        engine = IsolatedDockerEngine.start();
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "engine-restart-");
        server = ServerProcess.start("engine-restart", Map.of(
                "EMPIRIC_DATA_DIR", data.toString(),
                "EMPIRIC_ENVIRONMENTS_DIR", Diffs.TEST_ENVIRONMENTS.toString(),
                "EMPIRIC_INSTANCE_ID", INSTANCE,
                "EMPIRIC_BASE_IMAGE", IsolatedDockerEngine.TINY_IMAGE,
                "EMPIRIC_LEASE_HEARTBEAT", "1s",
                "DOCKER_HOST", engine.host()));
        DockerClient docker = Containers.client(engine.host());
        server.awaitStatus("/q/health/ready", 200, PATIENCE);
        long campaign = createCampaign(server, "shell", "engine restart");
        assertEquals("BASELINE", awaitSettled(server, trialId(server, campaign, 0), PATIENCE).getString("label"));

        long id = submit(server, campaign, "runs while the engine restarts", Diffs.shell(4, "6"));
        await(server, id, trial -> trial.getString("state").equals("RUNNING"), PATIENCE);
        until("the recipe container runs", PATIENCE, () -> Containers.runningOfTrial(docker, INSTANCE, campaign, 1).size() >= 2);

        engine.stopDaemon();
        server.awaitStatus("/q/health/ready", 503, Duration.ofSeconds(30));
        ServerProcess.sleep(Duration.ofSeconds(3)); // the engine stays away a while: no attempt is spent on it
        engine.startDaemon();
        server.awaitStatus("/q/health/ready", 200, Duration.ofSeconds(60));

        JsonPath trial = awaitSettled(server, id, PATIENCE);
        assertEquals("FINISHED", trial.getString("state"));
        assertEquals("KEEP", trial.getString("label"), trial.prettify());
        assertEquals(4.0, trial.getDouble("score"));
        assertEquals(2, trial.getInt("attempts"), trial.prettify());
        assertTrue(trial.getString("notes").contains("attempt 1 failed for reasons outside the recipe"),
                trial.getString("notes"));
        until("no container or volume left on the engine", Duration.ofSeconds(30),
                () -> Containers.of(docker, INSTANCE).isEmpty() && Containers.volumes(docker, INSTANCE).isEmpty());
    }
}
