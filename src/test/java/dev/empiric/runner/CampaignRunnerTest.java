package dev.empiric.runner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.empiric.support.Api.awaitRunner;
import static dev.empiric.support.Api.startRunner;
import static dev.empiric.support.Api.trials;

import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.GitTrialStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The autonomous loop end to end on the digits environment: real Docker, real git, real trials.
 * Each test makes its own campaign and stops its runner when it leaves.
 * The tests tagged {@code store} depend on the database and run on PostgreSQL too.
 */
@QuarkusTest
class CampaignRunnerTest {

    private static final Set<String> BUILT_IN = Set.of("opt", "arch", "sched", "reg", "combiner", "model");

    @Inject
    CampaignRunner runner;

    @Inject
    GitTrialStore store;

    @Test
    void runsToExhaustionWithExactlyItsBudgetAndNoRepeats() {
        long campaign = campaign("budget of eight");
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 8, "concurrency", 1))
                .post("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(201).body("state", equalTo("RUNNING")).body("specialists.size()", equalTo(BUILT_IN.size()));

        JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertEquals("EXHAUSTED", done.getString("state"));
        assertEquals("MAX_TRIALS", done.getString("endReason"));
        assertEquals(8, done.getInt("trials"));
        assertEquals(8, done.getInt("finished"));
        assertTrue(done.getInt("keeps") >= 1, "no KEEP in 8 trials: " + done.prettify());

        List<Map<String, Object>> trials = trials(campaign);
        assertEquals(9, trials.size(), "baseline + 8 trials");
        Set<String> trees = new HashSet<>();
        for (Map<String, Object> trial : trials) {
            trees.add(new RecipeTree(store.files(campaign, (String) trial.get("commit"))).hash());
            if ((Integer) trial.get("number") == 0) {
                continue;
            }
            assertTrue(BUILT_IN.contains((String) trial.get("specialist")), "specialist " + trial.get("specialist"));
            assertEquals("FINISHED", trial.get("state"));
            assertTrue(((String) trial.get("proposedFrom")).contains("best trial"), "no lineage state recorded");
        }
        assertEquals(9, trees.size(), "two trials measured the same recipe");
        assertTrue(trials.stream().anyMatch(trial -> "KEEP".equals(trial.get("label"))));
        JsonPath campaignView = given().get("/api/campaigns/{id}", campaign).then().extract().jsonPath();
        assertTrue(campaignView.getDouble("bestScore") > campaignView.getDouble("baselineScore"));
    }

    @Test
    @Tag("store")
    void deleteStopsTheRunnerAndNothingMoreIsProposed() {
        long campaign = campaign("stopped early");
        startRunner(campaign, Map.of("maxTrials", 50));
        awaitRunner(campaign, state -> state.getInt("trials") >= 1);
        given().delete("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(200).body("state", equalTo("STOPPED")).body("endReason", equalTo("STOPPED"));
        int atStop = trials(campaign).size();
        sleep(Duration.ofSeconds(4));
        assertEquals(atStop, trials(campaign).size(), "a stopped runner proposed another trial");
        given().get("/api/campaigns/{id}/runner", campaign).then().statusCode(200).body("state", equalTo("STOPPED"));
        given().delete("/api/campaigns/{id}/runner", campaign).then().statusCode(409)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    @Tag("store")
    void resumesFromTheStoreWithNothingLostOrCountedTwice() {
        long campaign = campaign("resumed");
        startRunner(campaign, Map.of("maxTrials", 5));
        try {
            awaitRunner(campaign, state -> state.getInt("trials") >= 2);
            runner.suspend(); // what a server stop does: the driver ends, in-memory state is dropped
            int atStop = trials(campaign).size();
            assertEquals("RUNNING", given().get("/api/campaigns/{id}/runner", campaign).then().extract().path("state"));
            sleep(Duration.ofSeconds(2));
            assertEquals(atStop, trials(campaign).size(), "proposals continued while the runner was down");
        } finally {
            runner.resume(); // what the startup observer does
        }
        JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertEquals("MAX_TRIALS", done.getString("endReason"));
        assertEquals(5, done.getInt("trials"));
        assertEquals(6, trials(campaign).size(), "baseline + exactly 5 trials across the restart");
        long running = QuarkusTransaction.requiringNew().call(() -> CampaignRun.count(
                "campaignId = ?1 and state = ?2", campaign, RunnerState.RUNNING));
        assertEquals(0, running);
    }

    @Test
    @Tag("store")
    void aDeadlineEndsTheRun() {
        long campaign = campaign("deadline");
        startRunner(campaign, Map.of("maxTrials", 1000, "deadline", Instant.now().plusSeconds(6).toString()));
        JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertEquals("DEADLINE", done.getString("endReason"));
        assertTrue(done.getInt("trials") < 1000);
        assertNotNull(done.getString("endedAt"));
    }

    @Test
    void aSpecialistWithNothingNewIsSkippedAndCountedNotSubmitted() {
        // On a fresh campaign there is no other branch, so the combiner has nothing to combine.
        long campaign = campaign("nothing to combine");
        startRunner(campaign, Map.of("maxTrials", 5, "specialists", List.of("combiner")));
        JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertEquals("NOTHING_NEW", done.getString("endReason"));
        assertEquals(0, done.getInt("trials"));
        assertTrue(done.getInt("skipped") >= 1);
        assertEquals(1, trials(campaign).size(), "only the baseline");
    }

    @Test
    @Tag("store")
    void refusesBadRequestsWithProblems() {
        long campaign = campaign("bad requests");
        given().get("/api/campaigns/{id}/runner", campaign).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 0)).post("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("detail", containsString("maxTrials"));
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 3, "specialists", List.of("llm")))
                .post("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(400).body("detail", containsString("unknown specialists [llm]"));
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 3, "concurrency", 99))
                .post("/api/campaigns/{id}/runner", campaign).then().statusCode(400);
        startRunner(campaign, Map.of("maxTrials", 1));
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 1)).post("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(409);
        given().delete("/api/campaigns/{id}/runner", campaign).then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 1)).post("/api/campaigns/{id}/runner", 999_999)
                .then().statusCode(404);
    }

    private static long campaign(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("environment", "digits", "name", name))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
