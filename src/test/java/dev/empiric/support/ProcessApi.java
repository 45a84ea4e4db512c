package dev.empiric.support;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/** The REST calls the process tests make against a {@link ServerProcess}, as an external agent would. */
public final class ProcessApi {

    private ProcessApi() {}

    public static long createCampaign(ServerProcess server, String environment, String name) {
        return server.api().contentType(ContentType.JSON).body(Map.of("environment", environment, "name", name))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Submits a trial built on the baseline (trial 0) and returns its id. */
    public static long submit(ServerProcess server, long campaign, String hypothesis, String diff) {
        return server.api().contentType(ContentType.JSON)
                .body(Map.of("hypothesis", hypothesis, "diff", diff, "specialist", "test", "parent", 0))
                .post("/api/campaigns/{id}/trials", campaign).then().statusCode(202).extract().jsonPath().getLong("id");
    }

    public static JsonPath trial(ServerProcess server, long id) {
        return server.api().get("/api/trials/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    public static long trialId(ServerProcess server, long campaign, int number) {
        return server.api().get("/api/campaigns/{id}/trials/{number}", campaign, number).then().statusCode(200)
                .extract().jsonPath().getLong("id");
    }

    /** Waits until the trial satisfies {@code condition}; fails with the trial's record if it never does. */
    public static JsonPath await(ServerProcess server, long id, Predicate<JsonPath> condition, Duration patience) {
        Instant until = Instant.now().plus(patience);
        while (true) {
            JsonPath trial = trial(server, id);
            if (condition.test(trial)) {
                return trial;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("trial " + id + " did not get there in " + patience + ": " + trial.prettify());
            }
            ServerProcess.sleep(Duration.ofMillis(200));
        }
    }

    public static JsonPath awaitSettled(ServerProcess server, long id, Duration patience) {
        return await(server, id, trial -> trial.getString("state").equals("FINISHED")
                || trial.getString("state").equals("CANCELLED"), patience);
    }

    /** Waits until the condition holds, polling. */
    public static void until(String what, Duration patience, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(patience);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + " did not happen within " + patience);
            }
            ServerProcess.sleep(Duration.ofMillis(200));
        }
    }
}
