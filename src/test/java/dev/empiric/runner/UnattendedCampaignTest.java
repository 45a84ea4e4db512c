package dev.empiric.runner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The unattended campaign of docs/agents.md: built-in specialists only, no human, N trials on
 * digits. Too long for every build, so it runs when asked: {@code -Dunattended.trials=60}.
 * Writes its numbers to target/unattended-campaign.md.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "unattended.trials", matches = "\\d+")
class UnattendedCampaignTest {

    @Test
    void builtInSpecialistsBeatTheBaselineByMoreThanTheNoise() throws IOException {
        int budget = Integer.getInteger("unattended.trials");
        long campaign = given().contentType(ContentType.JSON)
                .body(Map.of("environment", "digits", "name", "unattended " + budget))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Instant started = Instant.now();
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", budget)).post("/api/campaigns/{id}/runner",
                campaign).then().statusCode(201);
        JsonPath runner;
        do {
            sleep();
            runner = given().get("/api/campaigns/{id}/runner", campaign).then().extract().jsonPath();
        } while (runner.getString("state").equals("RUNNING")
                && Duration.between(started, Instant.now()).toMinutes() < 10L * budget);
        Duration took = Duration.between(started, Instant.now());
        JsonPath view = given().get("/api/campaigns/{id}", campaign).then().extract().jsonPath();
        List<Map<String, Object>> trials = given().get("/api/campaigns/{id}/trials?size=500", campaign).then()
                .extract().jsonPath().getList("items");

        Map<String, Integer> labels = new TreeMap<>();
        trials.forEach(trial -> labels.merge(String.valueOf(trial.get("label")), 1, Integer::sum));
        StringBuilder report = new StringBuilder();
        report.append("| trials | keeps | baseline | best | gain | keep threshold | wallclock | trials/hour |\n")
                .append("|---|---|---|---|---|---|---|---|\n")
                .append(String.format("| %d | %d | %.4f | %.4f (trial %d) | %+.4f | %.4f | %d s | %.0f |%n",
                        runner.getInt("trials"), runner.getInt("keeps"), view.getDouble("baselineScore"),
                        view.getDouble("bestScore"), view.getInt("bestNumber"),
                        view.getDouble("bestScore") - view.getDouble("baselineScore"),
                        view.getDouble("keepThreshold"), took.toSeconds(),
                        runner.getInt("trials") * 3600.0 / took.toSeconds()))
                .append("\nLabels: ").append(labels).append("\n\n| specialist | trials | keeps | skipped |\n|---|---|---|---|\n");
        runner.getList("yields", Map.class).forEach(yield -> report.append(String.format("| %s | %s | %s | %s |%n",
                yield.get("specialist"), yield.get("trials"), yield.get("keeps"), yield.get("skipped"))));
        report.append("\n| trial | specialist | label | accuracy | hypothesis |\n|---|---|---|---|---|\n");
        trials.stream().filter(trial -> "KEEP".equals(trial.get("label"))).forEach(trial -> report.append(
                String.format("| %s | %s | %s | %s | %s |%n", trial.get("number"), trial.get("specialist"),
                        trial.get("label"), trial.get("score"),
                        String.valueOf(trial.get("hypothesis")).replace("|", "/"))));
        Files.writeString(Path.of("target/unattended-campaign.md"), report);
        System.out.println(report);

        assertEquals("EXHAUSTED", runner.getString("state"));
        assertTrue(view.getDouble("bestScore") - view.getDouble("baselineScore") > view.getDouble("keepThreshold"));
    }

    private static void sleep() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
