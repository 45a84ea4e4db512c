package dev.empiric.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.empiric.Caller;
import dev.empiric.support.Api;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code empiric.auth.read=token}, reading the API and MCP needs a token too; health stays open. */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@TestProfile(ReadAccessTest.TokenReads.class)
class ReadAccessTest {

    public static class TokenReads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("empiric.auth.read", "token");
        }
    }

    /**
     * A non-blocking endpoint (it runs on the I/O thread, as streams may): the token is checked on a
     * worker thread and the caller is still known to the endpoint.
     */
    @Path("/api/test/who-reads")
    public static class WhoReads {

        private final Caller caller;

        WhoReads(Caller caller) {
            this.caller = caller;
        }

        @GET
        public Uni<String> who() {
            return Uni.createFrom().item(caller.identity().map(Caller.Identity::name).orElse("nobody"));
        }
    }

    @Test
    void readsNeedATokenAndAnyValidTokenReadsEverything() {
        long campaign = Api.createCampaign("digits", null);
        String token = given().contentType(ContentType.JSON).body(Map.of("name", "reader"))
                .post("/api/campaigns/{id}/tokens", campaign).then().statusCode(201).extract().jsonPath().getString("token");

        Api.anonymous().get("/api/campaigns").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        Api.anonymous().get("/api/campaigns/{id}/lineage", campaign).then().statusCode(401);
        Api.anonymous().get("/api/environments").then().statusCode(401);
        Api.anonymous().contentType(ContentType.JSON).body(Map.of("jsonrpc", "2.0", "id", 1, "method", "ping"))
                .post("/mcp").then().statusCode(401);
        Api.as(token).get("/api/campaigns").then().statusCode(200);
        Api.as(token).contentType(ContentType.JSON).body(Map.of("jsonrpc", "2.0", "id", 1, "method", "ping"))
                .post("/mcp").then().statusCode(200);
        Api.anonymous().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aNonBlockingEndpointKnowsItsCaller() {
        Api.anonymous().get("/api/test/who-reads").then().statusCode(401);
        given().get("/api/test/who-reads").then().statusCode(200).body(equalTo("admin"));
    }
}
