package dev.empiric.process;

import static dev.empiric.support.ProcessApi.awaitSettled;
import static dev.empiric.support.ProcessApi.createCampaign;
import static dev.empiric.support.ProcessApi.submit;
import static dev.empiric.support.ProcessApi.trialId;
import static dev.empiric.support.ProcessApi.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.empiric.support.Containers;
import dev.empiric.support.Diffs;
import dev.empiric.support.PostgresDatabases;
import dev.empiric.support.ServerProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real servers (the packaged jar, two processes, two ports, two instance ids) on one PostgreSQL
 * database and one shared data directory, as docs/configuration.md's scale-out section sets them up.
 * They split a queue of 40 trials with each trial evaluated exactly once; when one is killed with
 * SIGKILL in the middle of a trial, the other re-runs that trial (and whatever else the dead server
 * was running in its second slot) as attempt 2 once the dead server's lease runs out, and finishes
 * everything; no other trial runs twice, and the survivor removes the containers the dead server left
 * on the engine they share. A trial cancelled through the server that is not running
 * it has its containers killed by the one that is; a campaign runner's turns are taken by one server
 * only. The assertions read the rows and the event log straight from the database.
 */
class ScaleOutIT {

    private static final Duration PATIENCE = Duration.ofMinutes(6);
    private static final String ENGINE = "unix:///var/run/docker.sock";

    private String database;
    private ServerProcess alpha;
    private ServerProcess beta;
    private final DockerClient docker = Containers.client(ENGINE);

    @BeforeEach
    void twoServersOnOneStore() throws Exception {
        database = PostgresDatabases.create();
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "scale-out-");
        Map<String, String> shared = new HashMap<>(Map.of(
                "EMPIRIC_DB", "postgresql",
                "EMPIRIC_JDBC_URL", PostgresDatabases.url(database),
                "EMPIRIC_DB_USER", PostgresDatabases.USER,
                "EMPIRIC_DB_PASSWORD", PostgresDatabases.PASSWORD,
                "EMPIRIC_DATA_DIR", data.toString(),
                "EMPIRIC_ENVIRONMENTS_DIR", Diffs.TEST_ENVIRONMENTS.toString(),
                "EMPIRIC_LEASE_DURATION", "5s",
                "EMPIRIC_LEASE_HEARTBEAT", "1s",
                "EMPIRIC_EVALUATOR_CONCURRENCY", "2",
                "DOCKER_HOST", ENGINE));
        alpha = ServerProcess.start("scale-out-alpha", with(shared, "EMPIRIC_INSTANCE_ID", "it-alpha"));
        beta = ServerProcess.start("scale-out-beta", with(shared, "EMPIRIC_INSTANCE_ID", "it-beta"));
    }

    @AfterEach
    void stop() {
        if (alpha != null) {
            alpha.stop();
        }
        if (beta != null) {
            beta.stop();
        }
        if (database != null) {
            PostgresDatabases.drop(database);
        }
    }

    @Test
    void twoServersEvaluateEachTrialOnceAndTheSurvivorFinishesTheDeadOnesWork() throws Exception {
        long campaign = createCampaign(alpha, "shell", "scale-out");
        assertEquals("BASELINE", awaitSettled(beta, trialId(beta, campaign, 0), PATIENCE).getString("label"));

        // Trial 1 runs long enough to be killed in the middle; 39 quick ones follow, through both servers,
        // and share the servers' other slots with it.
        submit(alpha, campaign, "slow", Diffs.shell(2, "30"));
        until("trial 1 is running", PATIENCE, () -> "RUNNING".equals(column(campaign, 1, "state")));
        for (int i = 2; i <= 40; i++) {
            submit(i % 2 == 0 ? beta : alpha, campaign, "quick " + i, Diffs.shell(i + 1, "0"));
        }
        assertEquals("RUNNING", column(campaign, 1, "state"), "trial 1 ended before its server could be killed");
        ServerProcess victim = "it-alpha".equals(column(campaign, 1, "lease_owner")) ? alpha : beta;
        ServerProcess survivor = victim == alpha ? beta : alpha;
        String victimId = victim == alpha ? "it-alpha" : "it-beta";
        victim.kill9();
        assertTrue(!Containers.of(docker, victimId).isEmpty(), "a killed server leaves its containers behind");

        until("every trial settled", PATIENCE, () -> count("select count(*) from trial where campaign_id = ? and"
                + " state not in ('FINISHED', 'CANCELLED')", campaign) == 0);
        Map<Integer, Integer> attempts = new HashMap<>();
        Map<Integer, String> labels = new HashMap<>();
        query("select number, attempts, label from trial where campaign_id = ? and number > 0", campaign, row -> {
            attempts.put(row.getInt(1), row.getInt(2));
            labels.put(row.getInt(1), row.getString(3));
        });
        assertEquals(40, attempts.size());
        labels.forEach((number, label) -> assertTrue(Set.of("KEEP", "DISCARD").contains(label),
                "trial " + number + " ended " + label));
        assertEquals(2, attempts.get(1), "the interrupted trial ran again");
        // The victim had two evaluation slots: whatever else it was running (a quick trial, or one in its
        // confirmation rounds) was interrupted too, and ran again on the survivor; nothing else ran twice.
        List<Integer> interrupted = attempts.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey)
                .sorted().toList();
        assertTrue(interrupted.size() <= 2 && attempts.values().stream().allMatch(n -> n <= 2),
                "more trials ran twice than the victim was running: " + attempts);
        for (int number : interrupted) {
            assertTrue(column(campaign, number, "notes").contains("server " + victimId + " did not renew its lease"),
                    "trial " + number + " ran twice without its server dying: " + column(campaign, number, "notes"));
        }

        // The event log agrees: one start per attempt, one end per trial, and who ran what.
        Map<Integer, Integer> starts = new HashMap<>();
        Map<Integer, Integer> ends = new HashMap<>();
        List<String> servers = new ArrayList<>();
        List<String> slowStarts = new ArrayList<>();
        query("select trial_number, type, payload from campaign_event where campaign_id = ? and trial_number > 0"
                + " order by seq", campaign, row -> {
            int number = row.getInt(1);
            JsonPath payload = new JsonPath(row.getString(3));
            if (row.getString(2).equals("trial.started")) {
                starts.merge(number, 1, Integer::sum);
                servers.add(payload.getString("server"));
                if (number == 1) {
                    slowStarts.add(payload.getString("server"));
                }
            } else if (row.getString(2).equals("trial.finished")) {
                ends.merge(number, 1, Integer::sum);
            }
        });
        for (int number = 1; number <= 40; number++) {
            assertEquals(attempts.get(number), starts.get(number), "starts of trial " + number);
            assertEquals(1, ends.get(number), "ends of trial " + number);
        }
        assertEquals(List.of(victimId, survivor == alpha ? "it-alpha" : "it-beta"), slowStarts);
        assertTrue(servers.contains("it-alpha") && servers.contains("it-beta"), "both servers evaluated: " + servers);
        assertTrue(column(campaign, 1, "notes").contains("server " + victimId + " did not renew its lease"),
                column(campaign, 1, "notes"));

        // The survivor shares the engine and the store: what the dead server left there is removed by it,
        // without waiting for the dead one to come back, and the dead one restarts on a clean engine.
        until("the survivor removed the dead server's leftovers", Duration.ofSeconds(60),
                () -> Containers.of(docker, victimId).isEmpty() && Containers.volumes(docker, victimId).isEmpty());
        assertTrue(survivor.logText().contains("containers and volumes that no running attempt owns"),
                "the survivor's log says what it removed");
        victim.start();

        cancellationReachesTheServerRunningTheTrial(campaign);
        aRunnersTurnsAreTakenByOneServer();

        alpha.stop();
        beta.stop();
        for (String id : List.of("it-alpha", "it-beta")) {
            assertEquals(List.of(), Containers.of(docker, id), "containers left by " + id);
            assertEquals(List.of(), Containers.volumes(docker, id), "volumes left by " + id);
        }
    }

    /** The CDI event of a cancellation reaches only its own server; the other learns it from its lease. */
    private void cancellationReachesTheServerRunningTheTrial(long campaign) {
        long id = submit(alpha, campaign, "runs for a minute", Diffs.shell(999, "60"));
        int number = alpha.api().get("/api/trials/{id}", id).then().extract().jsonPath().getInt("number");
        until("the long trial is running", PATIENCE, () -> "RUNNING".equals(column(campaign, number, "state"))
                && !Containers.ofTrial(docker, column(campaign, number, "lease_owner"), campaign, number).isEmpty());
        String owner = column(campaign, number, "lease_owner");
        ServerProcess other = owner.equals("it-alpha") ? beta : alpha;
        other.api().post("/api/trials/{id}/cancel", id).then().statusCode(200);
        until("the running server killed and removed the cancelled trial's containers", Duration.ofSeconds(20),
                () -> Containers.ofTrial(docker, owner, campaign, number).isEmpty());
        assertEquals("CANCELLED", column(campaign, number, "state"));
    }

    private void aRunnersTurnsAreTakenByOneServer() {
        long campaign = createCampaign(beta, "shell", "runner on two servers");
        awaitSettled(alpha, trialId(alpha, campaign, 0), PATIENCE);
        alpha.api().contentType(ContentType.JSON).body(Map.of("maxTrials", 6, "concurrency", 2))
                .post("/api/campaigns/{id}/runner", campaign).then().statusCode(201);
        until("the runner ended", PATIENCE, () -> !beta.api().get("/api/campaigns/{id}/runner", campaign).then()
                .extract().jsonPath().getString("state").equals("RUNNING"));
        JsonPath run = beta.api().get("/api/campaigns/{id}/runner", campaign).then().extract().jsonPath();
        assertEquals("MAX_TRIALS", run.getString("endReason"), run.prettify());
        assertEquals(6, count("select count(*) from trial where campaign_id = ? and number > 0", campaign));
        String proposal = "campaign " + campaign + " run ";
        boolean alphaProposed = alpha.logText().contains(proposal);
        boolean betaProposed = beta.logText().contains(proposal);
        assertTrue(alphaProposed ^ betaProposed, "proposals from alpha: " + alphaProposed + ", beta: " + betaProposed);
    }

    private String column(long campaign, int number, String column) {
        List<String> values = new ArrayList<>();
        query("select " + column + " from trial where campaign_id = ? and number = " + number, campaign,
                row -> values.add(row.getString(1)));
        return values.isEmpty() ? null : values.getFirst();
    }

    private long count(String sql, long campaign) {
        List<Long> values = new ArrayList<>();
        query(sql, campaign, row -> values.add(row.getLong(1)));
        return values.getFirst();
    }

    private interface Row {
        void accept(ResultSet row) throws SQLException;
    }

    private void query(String sql, long campaign, Row each) {
        try (Connection connection = PostgresDatabases.connect(database);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, campaign);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    each.accept(rows);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
