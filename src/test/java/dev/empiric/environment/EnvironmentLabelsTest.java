package dev.empiric.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.support.Api;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every environment with scripted diffs, end to end in real containers: each folder
 * src/test/resources/diffs/<environment>/ is picked up by itself. Its {@code expect.properties} gives
 * the range the baseline must land in (and optional campaign settings, {@code settings.<key>}), and
 * each diff must end with the label its file name names. Diffs named cheat_* attack the evaluator and
 * must gain nothing.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class EnvironmentLabelsTest {

    private static final Path DIFFS = Path.of("src/test/resources/diffs");

    /** {@code -Dtest.environments=speedrun,golf} narrows the run while working on one. */
    @TestFactory
    Stream<DynamicNode> everyEnvironmentGivesEveryLabelItCan() throws IOException {
        String only = System.getProperty("test.environments", "");
        try (Stream<Path> folders = Files.list(DIFFS)) {
            return folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString()).sorted()
                    .filter(environment -> only.isBlank() || List.of(only.split(",")).contains(environment))
                    .<DynamicNode>map(environment -> DynamicContainer.dynamicContainer(environment, Stream.of(DynamicTest
                            .dynamicTest(environment + " end to end", () -> check(environment)))))
                    .toList().stream();
        }
    }

    private static void check(String environment) {
        Properties expect = expectations(environment);
        Map<String, Object> settings = new HashMap<>();
        expect.stringPropertyNames().stream().filter(key -> key.startsWith("settings.")).forEach(key ->
                settings.put(key.substring("settings.".length()), Integer.valueOf(expect.getProperty(key))));
        long campaign = Api.measuredCampaign(environment, settings.isEmpty() ? null : settings);
        JsonPath baseline = Api.awaitNumber(campaign, 0);
        double score = baseline.getDouble("score");
        double min = Double.parseDouble(expect.getProperty("baseline.min"));
        double max = Double.parseDouble(expect.getProperty("baseline.max"));
        assertTrue(score >= min && score <= max, environment + " baseline " + score + " outside " + min + ".." + max);
        JsonPath spec = io.restassured.RestAssured.get("/api/environments/" + environment).jsonPath();
        boolean wallclock = spec.getString("spec.metric.name").equals("recipe_seconds");

        Map<String, String> failures = new HashMap<>();
        for (Path diff : diffs(environment)) {
            String name = diff.getFileName().toString().replace(".diff", "");
            JsonPath trial = Api.await(submitAgainstBaseline(campaign, name, read(diff)));
            if (name.equals("keep") && wallclock && "DISCARD".equals(trial.getString("label"))) {
                // A wallclock keep measured while other suites load the machine can land within the noise
                // the baseline saw in a quieter minute; a second measurement of the same diff decides.
                trial = Api.await(submitAgainstBaseline(campaign, name + " (measured again)", read(diff)));
            }
            String label = trial.getString("label");
            try {
                if (name.startsWith("cheat_")) {
                    // A cheat does the baseline's work. Where the metric is a deterministic score it must
                    // score exactly the same; where it is the harness's wallclock, only machine noise may
                    // move it, never down to what the recipe claims (0.01 s).
                    double cheat = trial.getDouble("score");
                    if (wallclock) {
                        assertTrue(cheat > 0.5 * score, "timed at " + cheat + " s against the baseline's " + score);
                    } else {
                        assertNotEquals("KEEP", label, "a cheat must not be kept");
                        assertEquals(score, cheat, 1e-9, "a cheat doing the same work must score the same");
                    }
                    String log = Api.log(trial.getLong("id"));
                    // Writing its own output folder is allowed (the scorer ignores stray files); nothing else.
                    boolean escaped = log.lines().anyMatch(line -> line.contains(": READ ") || line.contains("MOVED")
                            || line.contains(": OPEN") || (line.contains("WROTE") && !line.contains("/work/out")));
                    assertFalse(escaped, "an attack succeeded:\n" + log);
                } else {
                    String expected = name.replaceAll("_[a-z]$", "").toUpperCase();
                    assertEquals(expected, label, trial.getString("notes"));
                }
            } catch (AssertionError e) {
                failures.put(name, label + " (" + trial.getString("notes") + "): " + e.getMessage());
            }
        }
        assertEquals(Map.of(), failures, environment + ": diffs with the wrong outcome");
    }

    private static long submitAgainstBaseline(long campaign, String name, String diff) {
        Map<String, Object> body = new HashMap<>();
        body.put("hypothesis", "scripted diff " + name);
        body.put("diff", diff);
        body.put("parent", 0);
        body.put("specialist", "script");
        return io.restassured.RestAssured.given().contentType(io.restassured.http.ContentType.JSON).body(body)
                .post("/api/campaigns/" + campaign + "/trials").then().statusCode(202).extract().jsonPath().getLong("id");
    }

    private static Properties expectations(String environment) {
        Properties expect = new Properties();
        try (var in = Files.newBufferedReader(DIFFS.resolve(environment).resolve("expect.properties"))) {
            expect.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(environment + " has no readable expect.properties", e);
        }
        return expect;
    }

    private static List<Path> diffs(String environment) {
        try (Stream<Path> files = Files.list(DIFFS.resolve(environment))) {
            return files.filter(f -> f.toString().endsWith(".diff")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
