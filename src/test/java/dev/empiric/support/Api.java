package dev.empiric.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;

/** The REST calls tests make, as an external agent would make them. */
public final class Api {

    private static final Set<String> DONE = Set.of("FINISHED", "CANCELLED");

    private Api() {}

    /** The running test server's admin token, from its data directory (where the server wrote it at start). */
    public static String adminToken() {
        Path file = ConfigProvider.getConfig().getValue("empiric.data-dir", Path.class).resolve("admin-token");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the test server has no admin token at " + file, e);
        }
    }

    /** A request made with {@code token} instead of the admin token. */
    public static RequestSpecification as(String token) {
        return given().header(AdminTokenByDefault.AUTHORIZATION, "Bearer " + token);
    }

    /** A request made without any token. */
    public static RequestSpecification anonymous() {
        return given().header(AdminTokenByDefault.AUTHORIZATION, AdminTokenByDefault.NONE);
    }

    public static long createCampaign(String environment, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>();
        body.put("environment", environment);
        body.put("name", "test " + environment + " " + Instant.now());
        if (settings != null) {
            body.put("settings", settings);
        }
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/campaigns")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Creates a campaign and waits until its baseline is measured. */
    public static long measuredCampaign(String environment, Map<String, Object> settings) {
        long campaign = createCampaign(environment, settings);
        JsonPath baseline = awaitNumber(campaign, 0);
        if (!"BASELINE".equals(baseline.getString("label"))) {
            fail("baseline of campaign " + campaign + " ended " + baseline.getString("label") + ": "
                    + baseline.getString("notes"));
        }
        return campaign;
    }

    public static JsonPath submit(long campaign, String hypothesis, String diff) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("hypothesis", hypothesis, "diff", diff, "specialist", "test"))
                .when().post("/api/campaigns/" + campaign + "/trials")
                .then().statusCode(202).extract().jsonPath();
    }

    /** Submits and waits for the outcome. */
    public static JsonPath run(long campaign, String hypothesis, String diff) {
        return await(submit(campaign, hypothesis, diff).getLong("id"));
    }

    public static JsonPath campaign(long id) {
        return given().when().get("/api/campaigns/" + id).then().statusCode(200).extract().jsonPath();
    }

    public static JsonPath trial(long id) {
        return given().when().get("/api/trials/" + id).then().statusCode(200).extract().jsonPath();
    }

    public static JsonPath await(long trialId) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            JsonPath trial = trial(trialId);
            if (DONE.contains(trial.getString("state"))) {
                return trial;
            }
            sleep();
        }
        throw new AssertionError("trial " + trialId + " did not finish in time: " + trial(trialId).prettify());
    }

    public static JsonPath awaitNumber(long campaign, int number) {
        long id = given().when().get("/api/campaigns/" + campaign + "/trials/" + number)
                .then().statusCode(200).extract().jsonPath().getLong("id");
        return await(id);
    }

    public static String log(long trialId) {
        return given().when().get("/api/trials/" + trialId + "/log").then().statusCode(200).extract().asString();
    }

    /** How long a runner test waits for its runner to reach a state. */
    private static final Duration RUNNER_PATIENCE = Duration.ofMinutes(4);

    public static void startRunner(long campaign, Map<String, Object> request) {
        given().contentType(ContentType.JSON).body(request).post("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(201);
    }

    public static List<Map<String, Object>> trials(long campaign) {
        return given().get("/api/campaigns/{id}/trials?size=500", campaign).then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    public static JsonPath awaitRunner(long campaign, Predicate<JsonPath> condition) {
        Instant until = Instant.now().plus(RUNNER_PATIENCE);
        while (Instant.now().isBefore(until)) {
            JsonPath state = given().get("/api/campaigns/{id}/runner", campaign).then().statusCode(200).extract()
                    .jsonPath();
            if (condition.test(state)) {
                return state;
            }
            sleep();
        }
        throw new AssertionError("the runner of campaign " + campaign + " did not get there in " + RUNNER_PATIENCE + ": "
                + given().get("/api/campaigns/{id}/runner", campaign).asString());
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
