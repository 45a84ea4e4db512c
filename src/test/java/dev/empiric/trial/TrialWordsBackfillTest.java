package dev.empiric.trial;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.support.Api;
import dev.empiric.support.FreshDataDir;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Trials stored before the word index existed are indexed when the server starts, once: a start after
 * the one that finished it does not look again (it would read every trial).
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@Tag("store")
class TrialWordsBackfillTest {

    @Inject
    TrialWords words;

    @Inject
    EntityManager em;

    @Test
    void trialsWithoutWordsAreIndexedAndFoundAgain() throws InterruptedException {
        long campaign = Api.createCampaign("digits", null);
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "an older trial about momentum", "specialist", "probe",
                "diff", "diff --git a/scorer/s.py b/scorer/s.py\n--- a/scorer/s.py\n+++ b/scorer/s.py\n@@ -1 +1 @@\n-a\n+b\n"))
                .post("/api/campaigns/{id}/trials", campaign).then().statusCode(202);
        given().get("/api/campaigns/{id}/trial-rows?q=momentum", campaign).then().body("total", equalTo(1));

        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from trial_word where campaign_id = ?1")
                .setParameter(1, campaign).executeUpdate());
        given().get("/api/campaigns/{id}/trial-rows?q=momentum", campaign).then().body("total", equalTo(0));

        awaitStartupBackfill();
        words.backfillOnce();
        given().get("/api/campaigns/{id}/trial-rows?q=momentum", campaign).then().body("total", equalTo(0));

        words.backfill();
        given().get("/api/campaigns/{id}/trial-rows?q=momentum", campaign).then().body("total", equalTo(1));
        given().get("/api/campaigns/{id}/trial-rows?q=starting recipe", campaign).then().body("total", equalTo(1));
    }

    private void awaitStartupBackfill() throws InterruptedException {
        for (int i = 0; i < 100 && !words.backfilled(); i++) {
            Thread.sleep(100);
        }
        assertTrue(words.backfilled(), "the start's backfill was recorded as finished");
    }
}
