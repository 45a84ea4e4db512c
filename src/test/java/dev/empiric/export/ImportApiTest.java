package dev.empiric.export;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's four published runs imported over REST become read-only campaigns whose lineage view
 * shows the run's own LEADERBOARD: its best, its kept trials in its order with its scores and
 * deltas, and the chain of keeps from the baseline to the best. A messy file is imported whole, with
 * every repaired or flagged row in the report; an imported campaign takes no trials and no runner,
 * and exports and verifies like any campaign.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class ImportApiTest {

    private static final String REFERENCE = "/reference/auto-research-recipes/";
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| ([-+0-9.]+) \\| ([-+0-9.]+) \\|", Pattern.MULTILINE);

    @TempDir
    static Path temp;

    @Test
    void cifarAirbench() throws IOException {
        assertImportMatchesLeaderboard("cifar", 98, "train_s", "MINIMIZE", List.of(0, 30, 70));
    }

    @Test
    void nanochatD12() throws IOException {
        assertImportMatchesLeaderboard("nanochat_d12", 201, "core_metric", "MAXIMIZE", List.of(0, 7, 20, 25, 156));
    }

    @Test
    void parameterGolfWithLineage() throws IOException {
        assertImportMatchesLeaderboard("pg_ablation_lineage_on", 201, "val_bpb", "MINIMIZE",
                List.of(0, 14, 30, 45, 54, 64, 82, 92, 109, 130, 157, 176));
    }

    @Test
    void parameterGolfWithoutLineageAsAMultipartForm() throws IOException {
        String file = resource(REFERENCE + "pg_ablation_lineage_off/results.tsv");
        JsonPath imported = given().multiPart("format", ResultsImport.RECIPES).multiPart("name", "pg lineage off")
                .multiPart("file", "results.tsv", file.getBytes(StandardCharsets.UTF_8), "text/tab-separated-values")
                .post("/api/imports").then().statusCode(201).extract().jsonPath();
        assertEquals("pg lineage off", imported.getString("campaign.name"));
        assertLineage(imported.getLong("campaignId"), "pg_ablation_lineage_off", "val_bpb", List.of(0, 26, 75));
    }

    @Test
    void aMessyFileIsImportedWholeAndItsReportNamesEveryBadRow() throws IOException {
        JsonPath imported = importRaw(ResultsImport.RECIPES, resource("/imports/recipes-messy.tsv"));
        assertEquals(12, imported.getInt("report.rowsRead"));
        assertEquals(12, imported.getInt("report.imported"));
        assertEquals(4, imported.getInt("report.recovered"));
        assertEquals(6, imported.getInt("report.flagged"));
        List<Map<String, Object>> issues = imported.getList("report.issues");
        assertTrue(issues.stream().anyMatch(i -> Boolean.TRUE.equals(i.get("flagged"))
                && "unknown status 'exploded'".equals(i.get("message"))), issues.toString());
        assertTrue(issues.stream().anyMatch(i -> "the status is blank: the outcome is unknown".equals(i.get("message"))),
                issues.toString());
        long campaign = imported.getLong("campaignId");
        JsonPath trials = given().get("/api/campaigns/{id}/trials?size=100", campaign).then().statusCode(200).extract()
                .jsonPath();
        assertEquals(12, trials.getList("items").size(), "nothing is dropped");
        Map<String, Object> exploded = trials.<Map<String, Object>>getList("items").stream()
                .filter(t -> "exploded".equals(t.get("sourceStatus"))).findFirst().orElseThrow();
        assertEquals(null, exploded.get("label"));
        assertTrue(((String) exploded.get("notes")).contains("import: unknown status 'exploded'"), exploded.toString());
    }

    @Test
    void autoresearchResultsImport() throws IOException {
        JsonPath imported = importRaw(ResultsImport.AUTORESEARCH, resource("/imports/autoresearch-results.tsv"));
        assertEquals("import:autoresearch", imported.getString("campaign.environment"));
        assertEquals("val_bpb", imported.getString("campaign.metric"));
        assertTrue(imported.getInt("report.rowsRead") > 0);
    }

    @Test
    void anImportedCampaignTakesNoTrialsNoRunnerAndExportsLikeAnyOther() throws IOException, InterruptedException {
        long campaign = importRaw(ResultsImport.RECIPES, resource(REFERENCE + "cifar/results.tsv"))
                .getLong("campaignId");
        given().contentType(ContentType.JSON).body(Map.of("maxTrials", 3)).post("/api/campaigns/{id}/runner", campaign)
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("IMPORTED"));
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "h", "diff", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"))
                .post("/api/campaigns/{id}/trials", campaign).then().statusCode(409)
                .contentType("application/problem+json");
        List<Map<String, Object>> all = given().get("/api/campaigns").then().statusCode(200).extract().jsonPath()
                .getList("$");
        assertTrue(all.stream().anyMatch(c -> ((Number) c.get("id")).longValue() == campaign
                && "IMPORTED".equals(c.get("status")) && "train_s".equals(c.get("metric"))), all.toString());
        String markdown = given().accept("text/markdown").get("/api/campaigns/{id}/lineage", campaign).then()
                .statusCode(200).extract().asString();
        assertTrue(markdown.contains("Nothing runs here"), markdown);

        byte[] zip = given().get("/api/campaigns/{id}/export", campaign).then().statusCode(200).extract().asByteArray();
        Path folder = ExportChecks.unzip(zip, temp.resolve("cifar")).resolve(ExportWriter.folder(campaign));
        String key = given().get("/api/keys").then().statusCode(200).extract().path("publicKey");
        ExportChecks.Result result = ExportChecks.verify(folder, key);
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("git: no trial has a commit (an imported run)"), result.output());
    }

    @Test
    void badImportsAreRefusedClearly() {
        given().contentType("text/tab-separated-values").body("exp_id\tstatus\n").post("/api/imports").then()
                .statusCode(400).contentType("application/problem+json");
        given().contentType("text/tab-separated-values").body("a\tb\n1\t2\n").queryParam("format", "mlflow")
                .post("/api/imports").then().statusCode(400).contentType("application/problem+json");
        given().contentType("text/tab-separated-values").body("a\tb\n1\t2\n")
                .queryParam("format", ResultsImport.RECIPES).post("/api/imports").then().statusCode(422)
                .contentType("application/problem+json");
    }

    // ------------------------------------------------------------------ helpers

    private static void assertImportMatchesLeaderboard(String run, int rows, String metric, String goal,
            List<Integer> chain) throws IOException {
        JsonPath imported = importRaw(ResultsImport.RECIPES, resource(REFERENCE + run + "/results.tsv"));
        assertEquals(rows, imported.getInt("report.rowsRead"));
        assertEquals(rows, imported.getInt("report.imported"));
        assertEquals("IMPORTED", imported.getString("campaign.status"));
        assertEquals(metric, imported.getString("campaign.metric"));
        assertEquals(goal, imported.getString("campaign.goal"));
        assertLineage(imported.getLong("campaignId"), run, metric, chain);
    }

    /** The lineage view of the imported campaign against the run's own LEADERBOARD.md. */
    private static void assertLineage(long campaign, String run, String metric, List<Integer> chain)
            throws IOException {
        String leaderboard = resource(REFERENCE + run + "/LEADERBOARD.md");
        Map<Integer, BigDecimal[]> kept = new LinkedHashMap<>();
        for (Matcher m = ROW.matcher(leaderboard); m.find(); ) {
            kept.put(Integer.parseInt(m.group(1)), new BigDecimal[] {new BigDecimal(m.group(2)), new BigDecimal(m.group(3))});
        }
        Matcher best = Pattern.compile("^- \\*\\*" + metric + "\\*\\*: ([-+0-9.]+)$", Pattern.MULTILINE)
                .matcher(leaderboard);
        assertTrue(best.find(), "the LEADERBOARD names its current best's " + metric);
        JsonPath view = given().get("/api/campaigns/{id}/lineage", campaign).then().statusCode(200).extract().jsonPath();

        int bestNumber = view.getInt("standing.bestNumber");
        assertEquals(kept.keySet().iterator().next(), bestNumber, "the best is the LEADERBOARD's first kept trial");
        assertEquals(0, new BigDecimal(best.group(1)).compareTo(new BigDecimal(view.getString("standing.bestScore"))),
                "the best's score is the LEADERBOARD's current best");

        List<Integer> leaders = new ArrayList<>(view.getList("leaderboard.number", Integer.class));
        leaders.remove(Integer.valueOf(0)); // the paper's table leaves the baseline out
        assertEquals(new ArrayList<>(kept.keySet()), leaders, "the kept trials in the LEADERBOARD's order");
        for (Map<String, Object> entry : view.<Map<String, Object>>getList("leaderboard")) {
            BigDecimal[] row = kept.get(((Number) entry.get("number")).intValue());
            if (row != null) {
                assertEquals(0, row[0].compareTo(new BigDecimal(entry.get("score").toString())), entry.toString());
                assertEquals(0, row[1].compareTo(new BigDecimal(entry.get("deltaVsBest").toString())), entry.toString());
            }
        }
        assertEquals(chain, view.getList("chain.number", Integer.class), "the chain of keeps to the best");
        assertEquals(bestNumber, chain.getLast());
        assertTrue(kept.keySet().containsAll(chain.subList(1, chain.size())), "every keep on the chain is on the board");
    }

    private static JsonPath importRaw(String format, String file) {
        return given().contentType("text/tab-separated-values").queryParam("format", format)
                .body(file.getBytes(StandardCharsets.UTF_8)).post("/api/imports").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString("/api/campaigns/")).extract().jsonPath();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ImportApiTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
