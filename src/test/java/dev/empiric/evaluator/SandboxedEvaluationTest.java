package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.empiric.EmpiricConfig;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.support.Api;
import dev.empiric.support.Containers;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Trials on the digits environment through the REST API, each evaluated in real sandboxed
 * containers: every label the evaluator can give, and the attacks a hostile recipe may try.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxedEvaluationTest {

    private static final int RECIPE_BUDGET_SECONDS = 8;
    private static final String MAIN = "def main():\n";

    @Inject
    Sandbox sandbox;

    @Inject
    DockerClient docker;

    @Inject
    InstanceIdentity instance;

    @Inject
    EmpiricConfig config;

    @Inject
    EnvironmentCatalog catalog;

    long campaign;
    double baselineScore;

    @BeforeEach
    void measureBaseline() { // not @BeforeAll: RestAssured learns the test port only per test
        if (campaign != 0) {
            return;
        }
        campaign = Api.measuredCampaign("digits", Map.of("recipeSeconds", RECIPE_BUDGET_SECONDS, "memoryMb", 256));
        baselineScore = Api.awaitNumber(campaign, 0).getDouble("score");
    }

    @AfterEach
    void noContainerOrVolumeOfOursIsLeft() {
        Containers.awaitNoneLeft(docker, instance.id(), Duration.ofSeconds(20));
    }

    /** A diff that inserts {@code code} as the first statements of main(). */
    private static String atStartOfMain(String code) {
        return Diffs.digits(MAIN, MAIN + code.indent(4));
    }

    @Test
    void anImprovingDiffIsKeptAndBecomesTheBest() throws Exception {
        long campaign = Api.measuredCampaign("digits", null); // its own: the others compare against the baseline
        JsonPath trial = Api.run(campaign, "higher learning rate with momentum",
                Diffs.digits("LEARNING_RATE = 0.01\nMOMENTUM = 0.0", "LEARNING_RATE = 0.1\nMOMENTUM = 0.9"));
        assertEquals("KEEP", trial.getString("label"), trial.prettify());
        assertTrue(trial.getDouble("score") > Api.awaitNumber(campaign, 0).getDouble("score") + 0.05, trial.prettify());
        assertTrue(trial.getDouble("deltaVsBest") > 0);
        assertTrue(trial.getDouble("recipeSeconds") > 0 && trial.getDouble("scoringSeconds") > 0);
        assertTrue(trial.getLong("artifactBytes") > 1000);

        JsonPath campaignView = io.restassured.RestAssured.get("/api/campaigns/" + campaign).jsonPath();
        assertEquals(trial.getInt("number"), campaignView.getInt("bestNumber"));

        File repository = config.dataDir().resolve("repos/campaign-" + campaign + ".git").toFile();
        try (Repository git = new FileRepository(repository); RevWalk walk = new RevWalk(git)) {
            ObjectId best = git.resolve("refs/heads/best");
            assertEquals(trial.getString("commit"), best.name());
            assertEquals(Api.awaitNumber(campaign, 0).getString("commit"),
                    walk.parseCommit(best).getParent(0).name(), "a trial's commit sits on its parent's commit");
            assertEquals(best, git.resolve("refs/trials/" + trial.getInt("number")));
        }
    }

    @Test
    void aWorseDiffIsDiscarded() {
        JsonPath trial = Api.run(campaign, "fewer epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 8"));
        assertEquals("DISCARD", trial.getString("label"), trial.prettify());
        assertTrue(trial.getDouble("score") < baselineScore);
        assertTrue(trial.getDouble("deltaVsBest") < 0);
    }

    /**
     * A run imports the image's compiled modules: given a Python cache prefix, as every run was once,
     * Python looks for them under the prefix only and compiles numpy from source at every run.
     */
    @Test
    void aRecipeImportsTheImagesCompiledModules() {
        JsonPath trial = Api.run(campaign, "numpy from its compiled files", Diffs.digits("import numpy as np\n",
                "import numpy as np\n\nif not os.path.exists(np.__cached__):\n"
                        + "    raise SystemExit(\"numpy compiled from source: no \" + np.__cached__)\n"));
        assertNotNull(trial.get("score"), trial.prettify());
        assertEquals(baselineScore, trial.getDouble("score"), 1e-12, "the same training as the baseline's");
    }

    @Test
    void aRecipeThatExitsNonZeroIsACrash() {
        JsonPath trial = Api.run(campaign, "crash", atStartOfMain("raise SystemExit(3)"));
        assertEquals("CRASH", trial.getString("label"));
        assertTrue(trial.getString("notes").contains("exited with 3"), trial.getString("notes"));
    }

    @Test
    void aRecipeThatSleepsIsKilledAtItsBudget() {
        JsonPath trial = Api.run(campaign, "sleep forever, ignoring SIGTERM", atStartOfMain("""
                import signal
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                time.sleep(100000)"""));
        assertEquals("RECIPE_TIMEOUT", trial.getString("label"));
        Duration took = Duration.between(Instant.parse(trial.getString("startedAt")),
                Instant.parse(trial.getString("finishedAt")));
        assertTrue(took.toSeconds() < RECIPE_BUDGET_SECONDS + 8, "killed " + took + " after start");
    }

    @Test
    void aRecipeThatAllocatesPastItsMemoryIsOom() {
        JsonPath trial = Api.run(campaign, "allocate 2 GB", atStartOfMain("hog = np.ones((256, 1024, 1024))"));
        assertEquals("OOM", trial.getString("label"), trial.prettify());
    }

    @Test
    void aForkBombHitsThePidsLimit() {
        JsonPath trial = Api.run(campaign, "fork without end", atStartOfMain("""
                while True:
                    os.fork()"""));
        assertTrue(List.of("CRASH", "RECIPE_TIMEOUT", "OOM").contains(trial.getString("label")), trial.prettify());
    }

    @Test
    void printedOrPlantedScoresDoNotCount() {
        JsonPath trial = Api.run(campaign, "claim a perfect score", atStartOfMain("""
                print('{"nonce": "guess", "metrics": {"accuracy": 1.0}}')
                print("accuracy: 1.0")
                with open(os.path.join(os.environ["EMPIRIC_OUT"], "result.json"), "w") as fake:
                    fake.write('{"nonce": "guess", "metrics": {"accuracy": 1.0}}')
                try:
                    open("/result/result.json", "w").write('{"metrics": {"accuracy": 1.0}}')
                    print("result: WRITTEN")
                except OSError as e:
                    print("result: blocked", e)"""));
        assertEquals("DISCARD", trial.getString("label"), trial.prettify());
        assertEquals(baselineScore, trial.getDouble("score"), 1e-12, "the same training scores the same");
        assertTrue(Api.log(trial.getLong("id")).contains("result: blocked"));
    }

    @Test
    void theRecipeCannotReachTheNetworkTheHiddenDataOrTheHost() {
        JsonPath trial = Api.run(campaign, "probe the sandbox", atStartOfMain("""
                import socket, glob
                def probe(name, attempt):
                    try:
                        attempt()
                        print(name + ": OPEN")
                    except Exception as e:
                        print(name + ": blocked", type(e).__name__)
                probe("socket", lambda: socket.create_connection(("1.1.1.1", 53), timeout=2))
                probe("hidden", lambda: open("/hidden/test.npz", "rb").read())
                probe("scorer", lambda: open("/opt/scorer/score.py").read())
                probe("bundled", lambda: __import__("sklearn.datasets", fromlist=["load_digits"]).load_digits())
                probe("rootfs", lambda: open("/etc/empiric-was-here", "w").write("x"))
                probe("recipe", lambda: open("train.py", "a").write("# edited at run time"))
                probe("docker", lambda: socket.socket(socket.AF_UNIX).connect("/var/run/docker.sock"))
                print("hidden files visible:", glob.glob("/hidden/*") + glob.glob("/opt/scorer/*"))"""));
        String log = Api.log(trial.getLong("id"));
        for (String probe : List.of("socket", "hidden", "scorer", "bundled", "rootfs", "recipe", "docker")) {
            assertTrue(log.contains(probe + ": blocked"), probe + " was not blocked:\n" + log);
        }
        assertFalse(log.contains(": OPEN"), log);
        assertTrue(log.contains("hidden files visible: []"), log);
        assertEquals("DISCARD", trial.getString("label"), trial.prettify());
    }

    /**
     * A cancel can land between two containers of an attempt (after its keeper started, before its
     * recipe): the stopped attempt must not start the next one, even one created before the stop (as a
     * recipe's is while the preflight runs). Found by ScaleOutIT, where the recipe of a cancelled trial
     * ran on for 21 s.
     */
    @Test
    void aStoppedAttemptStartsNoFurtherContainer() {
        String image = catalog.find("digits").orElseThrow().recipeImage();
        int trial = 999_001; // no trial of any campaign: this drives the sandbox directly
        Map<String, String> labels = sandbox.labels(campaign, trial);
        Sandbox.Spec quick = new Sandbox.Spec("recipe", image, List.of("true"), List.of(), "/", null, null, List.of(),
                new Sandbox.Limits(64, 0.5, 16), Duration.ofSeconds(30), labels);
        String keeper = sandbox.startKeeper(image, null, null, List.of(), new Sandbox.Limits(32, 0.1, 8),
                Duration.ofSeconds(60), labels);
        Sandbox.Prepared createdBeforeTheStop = sandbox.prepare(quick);
        assertTrue(sandbox.stopTrial(campaign, trial));
        assertFalse(sandbox.keepsRunning(keeper, Duration.ofSeconds(10)), "stopping killed the running keeper");
        assertFalse(sandbox.stopTrial(campaign, trial), "a trial is stopped once");
        assertThrows(AttemptStopped.class, () -> sandbox.start(createdBeforeTheStop));
        assertEquals("created", docker.inspectContainerCmd(createdBeforeTheStop.id()).exec().getState().getStatus(),
                "the container created before the stop never started");
        Sandbox.Prepared createdAfterTheStop = sandbox.prepare(quick);
        assertThrows(AttemptStopped.class, () -> sandbox.run(createdAfterTheStop, 1000));
        assertThrows(AttemptStopped.class, () -> sandbox.startKeeper(image, null, null, List.of(),
                new Sandbox.Limits(32, 0.1, 8), Duration.ofSeconds(60), labels));
        assertThrows(AttemptStopped.class, () -> sandbox.startExec(keeper, List.of("true"), List.of(), "/",
                Duration.ofSeconds(10), 1000, labels));
        sandbox.removeLater(List.of(keeper, createdBeforeTheStop.id(), createdAfterTheStop.id()), List.of());
        Containers.awaitNoneLeft(docker, instance.id(), Duration.ofSeconds(20));
        sandbox.releaseTrial(campaign, trial);
        Sandbox.Prepared nextAttempt = sandbox.prepare(quick);
        assertEquals(0, sandbox.run(nextAttempt, 1000).exitCode(), "a later attempt of the trial runs again");
        sandbox.remove(nextAttempt.id());
    }

    /**
     * Removals run after the outcome, off the evaluator's path; one that fails (here: a volume still
     * mounted) leaves its containers and volumes to the heartbeat's sweep of strays, never forever.
     */
    @Test
    void whatAFailedRemovalLeavesIsSweptAsAStray() {
        String image = catalog.find("digits").orElseThrow().recipeImage();
        Map<String, String> labels = sandbox.labels(campaign, 999_003); // a trial that no attempt runs
        String volume = sandbox.createTmpfsVolume("empiric-" + instance.id() + "-stray-test", 1, labels);
        sandbox.startKeeper(image, null, null, List.of(new Sandbox.Volume(volume, "/kept", true)),
                new Sandbox.Limits(32, 0.1, 8), Duration.ofSeconds(60), labels);
        sandbox.removeLater(List.of(), List.of(volume)); // fails: the running keeper mounts it
        Containers.awaitNoneLeft(docker, instance.id(), Duration.ofSeconds(30)); // the heartbeat runs every 5 s
    }

    @Test
    void aSyntaxErrorFailsPreflightBeforeAnyRun() throws InterruptedException {
        JsonPath trial = Api.run(campaign, "broken syntax", Diffs.digits("EPOCHS = 10", "EPOCHS = = 10"));
        assertEquals("PREFLIGHT_FAILED", trial.getString("label"));
        assertTrue(trial.getString("notes").contains("SyntaxError"), trial.getString("notes"));
        assertNull(trial.get("recipeSeconds"));
        String log = Api.log(trial.getLong("id"));
        assertTrue(log.contains("preflight: exit 1"), log);
        assertFalse(log.contains("recipe seed"), "no recipe ran:\n" + log);
        // Its container was created and started behind its gate while the preflight ran. The gate never
        // opened: the container ended as its gate was shut (125) or it was killed (137) on removal, not by
        // running the broken file (1).
        Containers.awaitNoneLeft(docker, instance.id(), Duration.ofSeconds(20));
        List<String> recipeEvents = containerEvents(trial.getInt("number"), "recipe",
                Instant.parse(trial.getString("startedAt")));
        assertTrue(recipeEvents.containsAll(List.of("create", "start")), "started while the preflight ran: " + recipeEvents);
        assertTrue((recipeEvents.contains("die 125") || recipeEvents.contains("die 137")) && !recipeEvents.contains("die 1"),
                "and ended without running: " + recipeEvents);
    }

    /** A recipe's seconds and deadline count from the opening of its gate: its container's start is in neither. */
    @Test
    void aRunBehindItsGateStartsOnlyWhenOpened() throws IOException {
        String image = catalog.find("digits").orElseThrow().recipeImage();
        Sandbox.Prepared held = sandbox.prepare(new Sandbox.Spec("recipe", image, List.of("sh", "-c", "echo ran; sleep 1"),
                List.of(), "/", null, null, List.of(), new Sandbox.Limits(64, 0.5, 16), Duration.ofSeconds(2),
                anotherStoresLabels(instance.id() + "-gate-test", 999_005))); // no sweep of this server's removes it
        try {
            Sandbox.Started started = sandbox.start(held);
            assertTrue(sandbox.keepsRunning(held.id(), Duration.ofSeconds(3)), "held behind its gate past its budget");
            Sandbox.Result result = sandbox.finish(sandbox.open(started), 1000);
            assertEquals(0, result.exitCode(), result.output());
            assertFalse(result.timedOut(), "its 2 s budget counts from the opening, not from the start 3 s before");
            assertEquals("ran", result.output().strip());
            assertTrue(result.seconds() >= 1 && result.seconds() < 2, "seconds from the opening: " + result.seconds());
        } finally {
            sandbox.remove(held.id());
        }
    }

    /** What the engine reported about one role's containers of a trial of this campaign since then. */
    private List<String> containerEvents(int number, String role, Instant since) throws InterruptedException {
        Map<String, String> labels = new HashMap<>(sandbox.labels(campaign, number));
        labels.put("empiric.role", role);
        List<String> actions = new CopyOnWriteArrayList<>();
        docker.eventsCmd().withSince(Long.toString(since.getEpochSecond() - 1))
                .withUntil(Long.toString(Instant.now().getEpochSecond() + 1)).withLabelFilter(labels)
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        String exitCode = event.getActor() == null || event.getActor().getAttributes() == null ? null
                                : event.getActor().getAttributes().get("exitCode");
                        actions.add(event.getAction() + (exitCode == null ? "" : " " + exitCode));
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        return actions;
    }

    /**
     * The preflight runs as an exec in the first seed's keeper, with the tree mounted read-only, and
     * Docker cannot kill an exec: at its deadline the whole keeper goes, and nothing is left running.
     */
    @Test
    void aPreflightPastItsDeadlineKillsItsKeeper() {
        String image = catalog.find("digits").orElseThrow().recipeImage();
        // Labelled as another store's server's, so that this server's heartbeat does not remove it as a
        // stray (it belongs to no attempt); the sandbox's own clean-up of it is what is tested.
        String owner = instance.id() + "-exec-test";
        Map<String, String> labels = anotherStoresLabels(owner, 999_002);
        String keeper = sandbox.startKeeper(image, Path.of("environments/digits/recipe").toAbsolutePath().toString(),
                "/work/recipe", List.of(), new Sandbox.Limits(64, 0.5, 16), Duration.ofSeconds(60), labels);
        try {
            Sandbox.Result listed = sandbox.startExec(keeper, List.of("ls", "/work/recipe"), List.of(),
                    "/work/recipe", Duration.ofSeconds(20), 1000, labels).await();
            assertEquals(0, listed.exitCode(), listed.output());
            assertFalse(listed.output().isBlank(), "the tree is mounted in the keeper");
            Sandbox.Result written = sandbox.startExec(keeper, List.of("touch", "/work/recipe/planted"), List.of(),
                    "/", Duration.ofSeconds(20), 1000, labels).await();
            assertNotEquals(0, written.exitCode(), "the tree is read-only in the keeper");
            Sandbox.Result hung = sandbox.startExec(keeper, List.of("sleep", "60"), List.of(), "/",
                    Duration.ofSeconds(1), 1000, labels).await();
            assertTrue(hung.timedOut(), hung.exitCode() + " after " + hung.seconds() + " s: " + hung.output());
            assertTrue(hung.seconds() < 10, "killed at its deadline, not when it ended: " + hung.seconds());
            assertFalse(sandbox.keepsRunning(keeper, Duration.ofSeconds(10)), "the keeper was killed with it");
        } finally {
            sandbox.remove(keeper);
        }
        assertEquals(List.of(), Containers.of(docker, owner));
    }

    /**
     * The result and the output's listing come out of the keeper in one archive: the result only as a
     * regular file within its limit (a link is refused, never followed), the output's bytes only from
     * its regular files.
     */
    @Test
    void theKeptResultIsARegularFileWithinItsLimitAndLinksCountForNothing() throws IOException {
        String image = catalog.find("digits").orElseThrow().recipeImage();
        String owner = instance.id() + "-kept-test"; // not this store's: the stray sweep leaves these alone
        Map<String, String> labels = anotherStoresLabels(owner, 999_004);
        String out = sandbox.createTmpfsVolume("empiric-" + owner + "-out", 1, labels);
        String result = sandbox.createTmpfsVolume("empiric-" + owner + "-result", 1, labels);
        List<String> containers = new ArrayList<>();
        try {
            containers.add(sandbox.startKeeper(image, null, null, List.of(new Sandbox.Volume(out, "/kept/out", true),
                    new Sandbox.Volume(result, "/kept/result", true)), new Sandbox.Limits(32, 0.1, 8),
                    Duration.ofSeconds(60), labels));
            Sandbox.Kept linked = keptAfter("""
                    printf 12345 > /work/out/model; ln /work/out/model /work/out/hard; ln -s model /work/out/soft
                    mkdir /work/out/d; printf 123 > /work/out/d/x; mkfifo /work/out/fifo
                    ln -s /etc/passwd /result/result.json""",
                    image, out, result, labels, containers);
            assertTrue(linked.result().isEmpty(), "a linked result is refused");
            assertEquals(8, linked.outputBytes(), "regular files only: links and fifos count for nothing");
            Sandbox.Kept oversized = keptAfter("rm /result/result.json; head -c 70000 /dev/zero > /result/result.json",
                    image, out, result, labels, containers);
            assertTrue(oversized.result().isEmpty(), "a result over 64 KiB is refused");
            Sandbox.Kept regular = keptAfter("printf '{}' > /result/result.json", image, out, result, labels,
                    containers);
            assertEquals("{}", new String(regular.result().orElseThrow()));
        } finally {
            containers.forEach(sandbox::remove);
            sandbox.removeVolume(out);
            sandbox.removeVolume(result);
        }
        assertEquals(List.of(), Containers.of(docker, owner));
        assertEquals(List.of(), Containers.volumes(docker, owner));
    }

    /** Labels of a server of another store that shares this engine: no sweep of this server touches its containers. */
    private Map<String, String> anotherStoresLabels(String owner, int trialNumber) {
        Map<String, String> labels = new HashMap<>(sandbox.labels(campaign, trialNumber));
        labels.put(Sandbox.LABEL_INSTANCE, owner);
        labels.put(Sandbox.LABEL_STORE, "another-store");
        return labels;
    }

    /** Runs {@code script} on the kept volumes (as the recipe and the scorer would), then reads the keeper. */
    private Sandbox.Kept keptAfter(String script, String image, String out, String result, Map<String, String> labels,
            List<String> containers) throws IOException {
        Sandbox.Prepared writer = sandbox.prepare(new Sandbox.Spec("recipe", image, List.of("sh", "-c", script),
                List.of(), "/", null, null, List.of(new Sandbox.Volume(out, "/work/out", false),
                        new Sandbox.Volume(result, "/result", false)), new Sandbox.Limits(64, 0.5, 16),
                Duration.ofSeconds(30), labels));
        containers.add(writer.id());
        Sandbox.Result written = sandbox.run(writer, 1000);
        assertEquals(0, written.exitCode(), written.output());
        return sandbox.readKept(containers.getFirst(), "/kept", "result/result.json", "out", ScorerResult.MAX_BYTES);
    }

    @Test
    void aRecipeThatWritesNoModelGetsNoScore() {
        JsonPath trial = Api.run(campaign, "skip training", atStartOfMain("return"));
        assertEquals("NO_SCORE", trial.getString("label"));
        assertTrue(trial.getString("notes").contains("no model.npz"), trial.getString("notes"));
    }

    @Test
    void anOversizedModelIsSizeBlocked() {
        JsonPath trial = Api.run(campaign, "a much wider layer", Diffs.digits("HIDDEN_UNITS = 32", "HIDDEN_UNITS = 2048"));
        assertEquals("SIZE_BLOCKED", trial.getString("label"), trial.prettify());
        assertTrue(trial.getLong("artifactBytes") > 262144);
    }

    @Test
    void aModelUnderTheAccuracyGateFailsIt() {
        JsonPath trial = Api.run(campaign, "one epoch", Diffs.digits("EPOCHS = 10", "EPOCHS = 1"));
        assertEquals("GATE_FAILED", trial.getString("label"), trial.prettify());
        assertTrue(trial.getString("notes").contains("misses the gate"));
    }

    @Test
    void aFloodOfOutputKeepsOnlyABoundedTail() {
        JsonPath trial = Api.run(campaign, "print 20 MB", atStartOfMain("""
                import sys
                for _ in range(20 * 1024):
                    sys.stdout.write("x" * 1023 + "\\n")"""));
        assertEquals("DISCARD", trial.getString("label"), trial.prettify());
        String log = Api.log(trial.getLong("id"));
        assertTrue(log.length() < 1024 * 1024, "log tail is " + log.length() + " characters");
        assertTrue(log.contains("trained in"), "the end of the output survives the flood");
    }
}
