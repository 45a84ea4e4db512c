package dev.empiric.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.empiric.support.Api;
import io.agroal.api.AgroalDataSource;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JSON endpoints the web UI adds (docs/api.md, "For the web UI") and the UI's static assets.
 * Trials here are diffs the rules refuse, recorded at once without Docker, so that the tests are
 * about the endpoints, not the evaluator.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class UiEndpointsTest {

    private static String refused(String path) {
        return "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n@@ -1 +1 @@\n-a\n+b\n";
    }

    private static int submitRefused(long campaign, String hypothesis, String path) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("hypothesis", hypothesis, "diff", refused(path), "specialist", "probe"))
                .post("/api/campaigns/{id}/trials", campaign).then().statusCode(202)
                .body("label", equalTo("ILLEGAL_EDIT")).extract().jsonPath().getInt("number");
    }

    @Test
    void theUiIsServedAtTheRootWithEveryLibraryFromTheServerItself() throws IOException {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/ui/app.js"));
        String vendor = Files.readString(Path.of("src/main/resources/META-INF/resources/ui/vendor.js"));
        Matcher paths = Pattern.compile("'(/(?:_static|webjars)/[^']+)'").matcher(vendor);
        int found = 0;
        while (paths.find()) {
            given().get(paths.group(1)).then().statusCode(200).contentType(containsString("javascript"));
            found++;
        }
        assertEquals(4, found, "vendor.js names echarts, marked, DOMPurify and highlight.js");
        assertFalse(Files.readString(Path.of("src/main/resources/META-INF/resources/index.html")).contains("https://"),
                "the page loads nothing from outside the server");
    }

    @Test
    void trialRowsSearchTheHypothesisAndFilterByParentWithoutReturningDiffs() {
        long campaign = Api.createCampaign("digits", null);
        int first = submitRefused(campaign, "Widen the HIDDEN layer to 64 units", "scorer/score.py");
        submitRefused(campaign, "100% of the data: no validation_split", "../outside.py");
        submitRefused(campaign, "shorter schedule", ".git/config");

        given().get("/api/campaigns/{id}/trial-rows?q=hidden", campaign).then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].number", equalTo(first))
                .body("items[0].diff", nullValue()).body("items[0].label", equalTo("ILLEGAL_EDIT"));
        // LIKE wildcards are taken literally
        given().get("/api/campaigns/{id}/trial-rows?q=100%", campaign).then().body("total", equalTo(1));
        given().get("/api/campaigns/{id}/trial-rows?q=validation_", campaign).then().body("total", equalTo(1));
        given().get("/api/campaigns/{id}/trial-rows?q=n_l", campaign).then().body("total", equalTo(0));
        // words, each the beginning of a word of the hypothesis, all of them required
        given().get("/api/campaigns/{id}/trial-rows?q=wid hidden", campaign).then().body("total", equalTo(1));
        given().get("/api/campaigns/{id}/trial-rows?q=widen shorter", campaign).then().body("total", equalTo(0));
        given().get("/api/campaigns/{id}/trial-rows?q=split", campaign).then().body("total", equalTo(1));
        // with other filters or another order, the words are a condition of the database's query
        given().get("/api/campaigns/{id}/trial-rows?q=hidden&label=ILLEGAL_EDIT", campaign).then().body("total", equalTo(1))
                .body("items[0].number", equalTo(first));
        given().get("/api/campaigns/{id}/trial-rows?q=hidden&label=KEEP", campaign).then().body("total", equalTo(0));
        given().get("/api/campaigns/{id}/trial-rows?q=the&sort=-submitted", campaign).then().body("total", equalTo(3)); // the baseline too
        given().queryParam("q", "%% !").get("/api/campaigns/{id}/trial-rows", campaign).then().statusCode(400);
        given().get("/api/campaigns/{id}/trial-rows?parent=0&label=ILLEGAL_EDIT&sort=-number&size=2", campaign).then()
                .statusCode(200).body("total", equalTo(3)).body("items", hasSize(2)).body("items[0].number", equalTo(3));
        given().get("/api/campaigns/{id}/trial-rows?minScore=0.5", campaign).then().body("total", equalTo(0));

        given().get("/api/campaigns/{id}/trial-rows?minScore=2&maxScore=1", campaign).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("minScore"));
        given().get("/api/campaigns/{id}/trial-rows?minScore=abc", campaign).then().statusCode(400)
                .contentType("application/problem+json");
        given().get("/api/campaigns/{id}/trial-rows?sort=hypothesis", campaign).then().statusCode(400);
        given().get("/api/campaigns/{id}/trial-rows?q=" + "x".repeat(201), campaign).then().statusCode(400);
        given().get("/api/campaigns/999999/trial-rows").then().statusCode(404).contentType("application/problem+json");
    }

    /** A page is chosen by trial numbers, then its rows are read (TrialQuery.numbers): order, filters and totals hold. */
    @Test
    @Tag("store")
    void trialPagesKeepTheirOrderFiltersAndTotals() {
        long campaign = Api.createCampaign("digits", null);
        for (String specialist : List.of("a", "b", "a", "b", "a")) {
            given().contentType(ContentType.JSON).body(Map.of("hypothesis", "by " + specialist, "specialist", specialist,
                    "diff", refused("scorer/score.py"))).post("/api/campaigns/{id}/trials", campaign).then().statusCode(202);
        }
        given().get("/api/campaigns/{id}/trials?sort=-number&size=2&page=1", campaign).then().statusCode(200)
                .body("total", equalTo(6)).body("items.number", equalTo(List.of(3, 2)))
                .body("items[0].hypothesis", equalTo("by a")).body("items[0].specialist", equalTo("a"));
        given().get("/api/campaigns/{id}/trials?specialist=a&label=ILLEGAL_EDIT&sort=-number", campaign).then()
                .body("total", equalTo(3)).body("items.number", equalTo(List.of(5, 3, 1)));
        // one label or one specialist: read in the order of the index that ends in the number
        given().get("/api/campaigns/{id}/trials?label=ILLEGAL_EDIT&size=2", campaign).then()
                .body("total", equalTo(5)).body("items.number", equalTo(List.of(1, 2)));
        given().get("/api/campaigns/{id}/trials?label=ILLEGAL_EDIT&sort=-number&size=2&page=1", campaign).then()
                .body("total", equalTo(5)).body("items.number", equalTo(List.of(3, 2)));
        given().get("/api/campaigns/{id}/trials?specialist=a&state=FINISHED&sort=-number", campaign).then()
                .body("total", equalTo(3)).body("items.number", equalTo(List.of(5, 3, 1)));
        given().get("/api/campaigns/{id}/trials?specialist=b&size=1&page=1", campaign).then()
                .body("total", equalTo(2)).body("items.number", equalTo(List.of(4)));
        given().get("/api/campaigns/{id}/trials?page=9", campaign).then().statusCode(200)
                .body("total", equalTo(6)).body("items", hasSize(0));
        given().get("/api/campaigns/{id}/trial-rows?specialist=b&sort=-number", campaign).then()
                .body("total", equalTo(2)).body("items.number", equalTo(List.of(4, 2)));
        // keyset paging: the next page starts after the last number seen; total counts what is left
        given().get("/api/campaigns/{id}/trials?after=2&size=2", campaign).then().statusCode(200)
                .body("total", equalTo(3)).body("items.number", equalTo(List.of(3, 4)));
        given().get("/api/campaigns/{id}/trials?after=4&sort=-number", campaign).then()
                .body("items.number", equalTo(List.of(3, 2, 1, 0)));
        given().get("/api/campaigns/{id}/trial-rows?after=1&specialist=b", campaign).then()
                .body("total", equalTo(2)).body("items.number", equalTo(List.of(2, 4)));
        given().get("/api/campaigns/{id}/trial-rows?after=1&q=by", campaign).then()
                .body("items.number", equalTo(List.of(2, 3, 4, 5)));
        for (String bad : List.of("after=2&sort=score", "after=2&page=1", "after=x")) {
            given().get("/api/campaigns/{id}/trials?" + bad, campaign).then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("after"));
        }
    }

    @Inject
    AgroalDataSource store;

    /**
     * A deep page on H2 once it keeps sorted results on disk rather than in memory (here after two
     * rows; with a 256 MB heap, past about ten thousand): it failed twice, on a text column of a spilled
     * result and on an order naming the trial number twice (found by bench-store.sh at page 200).
     */
    @Test
    void deepPagesSurviveResultsTheDatabaseSpillsToDisk() throws Exception {
        long campaign = Api.createCampaign("digits", null);
        for (int i = 0; i < 5; i++) {
            submitRefused(campaign, "refused " + i, "scorer/score.py");
        }
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement()) {
            Assumptions.assumeTrue(connection.getMetaData().getURL().startsWith("jdbc:h2:"), "an H2 setting");
            statement.execute("SET MAX_MEMORY_ROWS 2");
            try {
                given().get("/api/campaigns/{id}/trials?sort=number&size=2&page=2", campaign).then().statusCode(200)
                        .body("items.number", equalTo(List.of(4, 5))).body("items[1].hypothesis", equalTo("refused 4"));
                given().get("/api/campaigns/{id}/trial-rows?sort=-number&size=2&page=1", campaign).then().statusCode(200)
                        .body("items.number", equalTo(List.of(3, 2)));
            } finally {
                statement.execute("SET MAX_MEMORY_ROWS 40000");
            }
        }
    }

    /**
     * The campaign view, the dashboard and the summaries remember a campaign's counts until its event
     * log moves (trial.PerEventCache): read, change, read again, and every view shows the change.
     */
    @Test
    void rememberedCountsFollowEveryChangeOfTheCampaign() {
        long campaign = Api.createCampaign("digits", null);
        long other = Api.createCampaign("digits", null);
        for (int refused = 1; refused <= 3; refused++) {
            submitRefused(campaign, "refused " + refused, "scorer/score.py");
            for (int read = 0; read < 2; read++) {
                given().get("/api/campaigns/{id}", campaign).then().statusCode(200)
                        .body("labels.ILLEGAL_EDIT", equalTo(refused));
                given().get("/api/campaigns/{id}/dashboard", campaign).then().statusCode(200)
                        .body("specialists.find { it.specialist == 'probe' }.labels.ILLEGAL_EDIT", equalTo(refused));
                given().get("/api/campaign-summaries").then().statusCode(200)
                        .body("find { it.campaign.id == " + campaign + " }.campaign.labels.ILLEGAL_EDIT", equalTo(refused))
                        .body("find { it.campaign.id == " + other + " }.campaign.labels.ILLEGAL_EDIT", nullValue());
            }
        }
    }

    @Test
    void theTreeTheDashboardAndTheSummariesAnswerInOneCallEach() {
        long campaign = Api.createCampaign("digits", null);
        int refusedNumber = submitRefused(campaign, "<script>alert(1)</script> " + "long ".repeat(60), "scorer/score.py");

        given().get("/api/campaigns/{id}/tree", campaign).then().statusCode(200)
                .body("campaignId", equalTo((int) campaign)).body("metric", equalTo("accuracy"))
                .body("goal", equalTo("MAXIMIZE")).body("chain", equalTo(List.of(0)))
                .body("trials.collect { it[0] }", equalTo(List.of(0, refusedNumber)))
                .body("trials[1]", equalTo(Arrays.asList(refusedNumber, 0, "probe", "FINISHED", "ILLEGAL_EDIT", null, null)))
                .body("lastEventId", notNullValue());
        given().get("/api/campaigns/{id}/tree/nodes?numbers={n},999", campaign, refusedNumber).then().statusCode(200)
                .body("", hasSize(1)).body("[0][4]", equalTo("ILLEGAL_EDIT"));
        given().get("/api/campaigns/{id}/tree/heads?numbers=0,{n}", campaign, refusedNumber).then().statusCode(200)
                .body("'" + refusedNumber + "'.length()", equalTo(120))
                .body("'" + refusedNumber + "'", containsString("<script>"));
        given().get("/api/campaigns/{id}/tree/heads?numbers=1,x", campaign).then().statusCode(400)
                .contentType("application/problem+json");
        given().get("/api/campaigns/{id}/tree/nodes", campaign).then().statusCode(400);

        given().get("/api/campaigns/{id}/dashboard", campaign).then().statusCode(200)
                .body("campaign.id", equalTo((int) campaign)).body("runner", nullValue())
                .body("specialists.specialist", hasItem("probe"))
                .body("specialists.find { it.specialist == 'probe' }.labels.ILLEGAL_EDIT", equalTo(1))
                .body("budget.seeds", equalTo(1)).body("budget.attemptSeconds", equalTo(90))
                .body("lastProposal.number", equalTo(refusedNumber)).body("lastActivity", notNullValue());

        given().get("/api/campaign-summaries").then().statusCode(200)
                .body("campaign.id", hasItem((int) campaign))
                .body("find { it.campaign.id == " + campaign + " }.lastActivity", notNullValue());
        given().get("/api/campaigns/999999/tree").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/campaigns/999999/dashboard").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void comparingATrialWithoutACommitIsAConflictAndTheBaselineWithItselfIsEmpty() {
        long campaign = Api.createCampaign("digits", null);
        submitRefused(campaign, "no commit", "scorer/score.py");
        long baseline = given().get("/api/campaigns/{id}/trials/0", campaign).then().extract().jsonPath().getLong("id");
        long refused = given().get("/api/campaigns/{id}/trials/1", campaign).then().extract().jsonPath().getLong("id");
        given().get("/api/trials/{a}/compare/{b}/diff", baseline, baseline).then().statusCode(200).body(equalTo(""));
        given().get("/api/trials/{a}/compare/{b}/diff", baseline, refused).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("no commit"));
        given().get("/api/trials/{a}/compare/{b}/diff", baseline, 999999).then().statusCode(404);
        // the trial resource's own paths are untouched by the compare resource beside them
        given().get("/api/trials/{id}/diff", refused).then().statusCode(200).body(containsString("scorer/score.py"));
    }

    @Test
    void anEnvironmentsReadmeIsServedAsMarkdownAndAnUnknownEnvironmentIsA404() {
        given().get("/api/environments/golf/readme").then().statusCode(200).contentType(containsString("text/markdown"))
                .body(containsString("#"));
        given().get("/api/environments/nope/readme").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/environments/golf").then().statusCode(200).body("name", equalTo("golf"));
    }
}
