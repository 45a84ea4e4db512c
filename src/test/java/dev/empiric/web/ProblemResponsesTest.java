package dev.empiric.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Bad input gets a problem body that says what is wrong, and nothing is half-written. */
@QuarkusTest
@Tag("store")
@QuarkusTestResource(FreshDataDir.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemResponsesTest {

    private static final String PROBLEM = "application/problem+json";
    long campaign;
    String diff;

    @BeforeEach
    void createCampaign() { // not @BeforeAll: RestAssured learns the test port only per test
        if (campaign != 0) {
            return;
        }
        campaign = Api.createCampaign("digits", null);
        diff = Diffs.digits("EPOCHS = 10", "EPOCHS = 12");
    }

    private String trialsPath() {
        return "/api/campaigns/" + campaign + "/trials";
    }

    @Test
    void malformedJsonIs400() {
        given().contentType(ContentType.JSON).body("{\"hypothesis\": ").when().post(trialsPath())
                .then().statusCode(400).contentType(PROBLEM).body("title", equalTo("Malformed JSON"));
    }

    @Test
    void aFieldOfTheWrongTypeIs400() {
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "x", "diff", diff, "parent", "best"))
                .when().post(trialsPath())
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("parent"));
    }

    @Test
    void missingFieldsAre400AndNamed() {
        given().contentType(ContentType.JSON).body(Map.of("diff", diff)).when().post(trialsPath())
                .then().statusCode(400).contentType(PROBLEM).body("detail", containsString("'hypothesis' is required"));
        given().contentType(ContentType.JSON).when().post(trialsPath()).then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void anUnknownCampaignIs404() {
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "x", "diff", diff))
                .when().post("/api/campaigns/987654/trials")
                .then().statusCode(404).contentType(PROBLEM).body("detail", containsString("987654"));
        given().when().get("/api/trials/987654").then().statusCode(404).contentType(PROBLEM);
        given().when().get("/api/no-such-thing").then().statusCode(404);
    }

    @Test
    void anUnknownParentIs422() {
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "x", "diff", diff, "parent", 4242))
                .when().post(trialsPath())
                .then().statusCode(422).contentType(PROBLEM).body("detail", containsString("no trial 4242"));
    }

    @Test
    void textThatIsNotADiffIs422() {
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "x", "diff", "make it better please"))
                .when().post(trialsPath())
                .then().statusCode(422).contentType(PROBLEM).body("detail", containsString("unified diff"));
    }

    @Test
    void aDiffOverTheLimitIs413() {
        String huge = diff + "+" + "x".repeat(1_100_000) + "\n";
        given().contentType(ContentType.JSON).body(Map.of("hypothesis", "x", "diff", huge))
                .when().post(trialsPath())
                .then().statusCode(413).contentType(PROBLEM).body("detail", containsString("limit"));
    }

    @Test
    void anUnknownEnvironmentIs422() {
        given().contentType(ContentType.JSON).body(Map.of("environment", "nope", "name", "x"))
                .when().post("/api/campaigns")
                .then().statusCode(422).contentType(PROBLEM).body("detail", containsString("digits"));
    }

    @Test
    void anIdempotencyKeyReturnsTheFirstTrialAndRefusesADifferentBody() {
        Map<String, Object> body = Map.of("hypothesis", "more epochs", "diff", diff, "specialist", "idem");
        long first = given().contentType(ContentType.JSON).header("Idempotency-Key", "k-1").body(body)
                .when().post(trialsPath()).then().statusCode(202).header("Idempotent-Replayed", "false")
                .extract().jsonPath().getLong("id");
        long again = given().contentType(ContentType.JSON).header("Idempotency-Key", "k-1").body(body)
                .when().post(trialsPath()).then().statusCode(202).header("Idempotent-Replayed", "true")
                .extract().jsonPath().getLong("id");
        assertEquals(first, again);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k-1")
                .body(Map.of("hypothesis", "something else", "diff", diff))
                .when().post(trialsPath()).then().statusCode(422).contentType(PROBLEM)
                .body("detail", containsString("different body"));
        given().when().get(trialsPath() + "?specialist=idem").then().statusCode(200).body("total", is(1));
    }

    @Test
    void listingRejectsUnknownFiltersAndSorts() {
        given().when().get(trialsPath() + "?label=WONDERFUL").then().statusCode(400).contentType(PROBLEM);
        given().when().get(trialsPath() + "?sort=colour").then().statusCode(400).contentType(PROBLEM);
        given().when().get(trialsPath() + "?size=100000").then().statusCode(400).contentType(PROBLEM);
        given().when().get(trialsPath() + "?state=QUEUED,RUNNING,FINISHED&sort=-number").then().statusCode(200)
                .body("items.number", hasItem(0));
    }
}
