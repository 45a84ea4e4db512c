package dev.empiric.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Environments, health, OpenAPI and metrics: what operators and agents discover the server by. */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class PlatformEndpointsTest {

    @Test
    void environmentsAreListedWithTheirSpec() {
        given().when().get("/api/environments").then().statusCode(200)
                .body("name", hasItem("digits"))
                .body("find { it.name == 'digits' }.spec.metric.name", equalTo("accuracy"))
                .body("find { it.name == 'digits' }.spec.editable", hasItem("train.py"));
        given().when().get("/api/environments/nope").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void readinessChecksDockerTheDatabaseAndTheGitStore() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("docker", "git-store", "Database connections health check"));
    }

    @Test
    void theApiIsDescribedByOpenApi() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/campaigns/{id}/trials"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    }
}
