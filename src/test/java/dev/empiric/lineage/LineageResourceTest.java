package dev.empiric.lineage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** GET /api/campaigns/{id}/lineage: negotiation between JSON and Markdown, parameters, problems. */
@QuarkusTest
@Tag("store")
class LineageResourceTest {

    @Inject
    LineageFixtures fixtures;

    private String path(long campaign) {
        return "/api/campaigns/" + campaign + "/lineage";
    }

    @Test
    void jsonByDefaultWithTheRequestedLimits() {
        long campaign = fixtures.digits(LineageFixtures.settings(null));
        given().queryParam("specialist", "opt").queryParam("top", 2).queryParam("recent", 3)
                .when().get(path(campaign))
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("enabled", equalTo(true))
                .body("specialist", equalTo("opt"))
                .body("standing.bestNumber", equalTo(4))
                .body("leaderboard.number", equalTo(List.of(4, 2)))
                .body("chain.number", equalTo(List.of(0, 1, 4)))
                .body("bestChildren.number", equalTo(List.of(8, 6, 5)))
                .body("recent.number", equalTo(List.of(6, 8, 5)))
                .body("ownFailures.number", equalTo(List.of(6, 8, 5)))
                .body("labelCounts", not(hasKey("INFRA_ERROR")))
                .body("labelCounts.KEEP", equalTo(3))
                .body("task.surface", equalTo("opt"));
    }

    @Test
    void markdownByAcceptHeaderOrFormatParameterCarriesEverySection() {
        long campaign = fixtures.digits(LineageFixtures.settings(null));
        String byHeader = given().accept("text/markdown").queryParam("specialist", "opt")
                .when().get(path(campaign))
                .then().statusCode(200).contentType(startsWith("text/markdown")).extract().asString();
        String byParameter = given().queryParam("format", "markdown").queryParam("specialist", "opt")
                .when().get(path(campaign))
                .then().statusCode(200).contentType(startsWith("text/markdown")).extract().asString();
        for (String section : List.of("## Task", "## Current best", "## Top 4 kept trials",
                "## Chain of kept trials from baseline to best", "## Children of the best (#4)",
                "## Recent activity", "## Your recent rejected and failed trials (opt)", "## Label counts")) {
            assertTrue(byHeader.contains(section), section + " missing from\n" + byHeader);
            assertTrue(byParameter.contains(section), section + " missing from\n" + byParameter);
        }
        assertTrue(byHeader.contains("| 4 | 0.95 | +0.02 | arch | hyp 4: wider \\| and tanh |"), byHeader);
        assertTrue(byHeader.contains(" └─ #4 [arch, KEEP, accuracy=0.95, Δ=+0.02] hyp 4: wider | and tanh ← BEST"),
                byHeader);
        assertTrue(byHeader.contains("- #8 [opt, GATE_FAILED, accuracy=0.4] hyp 8: tiny learning rate\n"
                + "  └─ accuracy 0.4 misses the gate >= 0.5 by 0.1"), byHeader);
        assertTrue(byHeader.contains("└─ improves on nothing second line"), byHeader);
        assertTrue(byHeader.contains("keep threshold 0.002"), byHeader);
        assertTrue(byHeader.contains("`LEARNING_RATE` in train.py"), byHeader);
        assertFalse(byHeader.contains("INFRA"), byHeader);
        given().accept("application/json").queryParam("format", "json").when().get(path(campaign))
                .then().statusCode(200).contentType(startsWith("application/json"));
    }

    @Test
    void knowledgePinsTheEnvironmentsNotesAboveTheResearchTree() {
        long campaign = fixtures.digits(LineageFixtures.settings(null));
        String knowledge = given().when().get("/api/campaigns/{id}/knowledge", campaign)
                .then().statusCode(200).contentType(startsWith("text/markdown")).extract().asString();
        assertTrue(knowledge.startsWith("# Knowledge: campaign " + campaign), knowledge);
        assertTrue(knowledge.contains("## What is known about digits (the environment's notes)\n\n### digits:"), knowledge);
        assertTrue(knowledge.contains("The effective step is"), knowledge);
        assertTrue(knowledge.contains("## The analyst's notes\nNone yet"), knowledge);
        assertTrue(knowledge.indexOf("## Research tree") > knowledge.indexOf("The effective step is"), knowledge);
        assertTrue(knowledge.contains(" └─ #4 [arch, KEEP, accuracy=0.95, Δ=+0.02] hyp 4: wider | and tanh ← BEST"),
                knowledge);

        long blind = fixtures.digits(LineageFixtures.settings(false));
        String withheld = given().when().get("/api/campaigns/{id}/knowledge", blind)
                .then().statusCode(200).extract().asString();
        assertTrue(withheld.contains("The effective step is") && withheld.contains("analyst's notes are withheld"),
                withheld);
        given().when().get("/api/campaigns/{id}/knowledge", 987654).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
    }

    @Test
    void switchedOffTheViewSaysSo() {
        long campaign = fixtures.digits(LineageFixtures.settings(false));
        given().when().get(path(campaign))
                .then().statusCode(200)
                .body("enabled", equalTo(false))
                .body("standing.bestNumber", equalTo(4))
                .body("standing.bestHypothesis", equalTo(null))
                .body("leaderboard.size()", equalTo(0))
                .body("recent.size()", equalTo(0));
        String markdown = given().queryParam("format", "markdown").when().get(path(campaign))
                .then().statusCode(200).extract().asString();
        assertTrue(markdown.contains("switched off"), markdown);
        assertTrue(markdown.contains("## Task") && markdown.contains("- **#4** accuracy=0.95\n"), markdown);
        assertFalse(markdown.contains("## Top") || markdown.contains("## Chain") || markdown.contains("## Recent"),
                markdown);
    }

    @Test
    void unknownCampaignIsANotFoundProblem() {
        given().when().get(path(Long.MAX_VALUE))
                .then().statusCode(404).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(404)).body("detail", containsString("no campaign"));
        given().accept("text/markdown").when().get(path(Long.MAX_VALUE))
                .then().statusCode(404).contentType(startsWith("application/problem+json"));
    }

    @Test
    void badParametersAreBadRequestProblems() {
        long campaign = fixtures.digits(LineageFixtures.settings(null));
        for (String[] parameter : List.of(new String[] {"top", "abc"}, new String[] {"top", "-1"},
                new String[] {"recent", "1000"}, new String[] {"ownFailures", "1.5"}, new String[] {"children", "x"},
                new String[] {"format", "xml"}, new String[] {"specialist", "no spaces!"})) {
            given().queryParam(parameter[0], parameter[1]).when().get(path(campaign))
                    .then().statusCode(400).contentType(startsWith("application/problem+json"))
                    .body("status", equalTo(400)).body("detail", containsString(parameter[0]));
        }
    }
}
