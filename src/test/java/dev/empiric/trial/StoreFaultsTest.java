package dev.empiric.trial;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.FileTrees;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A broken trial store is the platform's fault, never the agent's. Before the fix, any I/O error
 * while committing (here: a repository whose objects are gone) was recorded as INVALID_PATCH, which
 * tells the agent its diff was wrong and feeds that lie back through the lineage view.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class StoreFaultsTest {

    @Inject
    GitTrialStore store;

    @Test
    void aCorruptedRepositoryIsAnInfrastructureFailureAndOtherCampaignsCarryOn() {
        long broken = Api.measuredCampaign("digits", null);
        long healthy = Api.measuredCampaign("digits", null);
        FileTrees.delete(store.repositoryPath(broken).resolve("objects"));
        String diff = Diffs.digits("EPOCHS = 10", "EPOCHS = 12");

        given().contentType(ContentType.JSON).header("Idempotency-Key", "retry-me")
                .body(Map.of("hypothesis", "more epochs", "diff", diff))
                .post("/api/campaigns/{id}/trials", broken)
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5")
                .body("detail", containsString("the trial store of campaign " + broken + " failed"))
                .body("detail", containsString("nothing is wrong with the diff"));

        // The key was not spent on a failure: the same request is tried again, not replayed.
        given().contentType(ContentType.JSON).header("Idempotency-Key", "retry-me")
                .body(Map.of("hypothesis", "more epochs", "diff", diff))
                .post("/api/campaigns/{id}/trials", broken).then().statusCode(503);

        List<Map<String, Object>> trials = Api.trials(broken);
        Map<String, Object> recorded = trials.get(trials.size() - 1);
        assertEquals("INFRA_ERROR", recorded.get("label"), "the submission is recorded, and not as the agent's fault");
        assertNull(recorded.get("commit"));
        JsonPath lineage = given().get("/api/campaigns/{id}/lineage", broken).then().statusCode(200).extract().jsonPath();
        assertEquals(Map.of("BASELINE", 1), lineage.getMap("labelCounts"), "infrastructure failures stay out of the view");

        assertEquals(3, trials.size(), "the baseline and both failed submissions");
        String label = Api.run(healthy, "more epochs", diff).getString("label");
        assertTrue(Set.of("KEEP", "DISCARD").contains(label), "the healthy campaign's trial ended " + label);
    }
}
