package dev.empiric.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.CampaignEvent;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may write what: the admin token everywhere, a campaign token only to its own campaign (submit,
 * cancel, runner), nobody without a valid token; every write recorded under its token's name.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Tokens are rows in the store: the rules are checked on PostgreSQL too.
@Tag("store")
class AccessControlTest {

    private static final String PROBLEM = "application/problem+json";

    long campaignA;
    long campaignB;
    String diff;

    @BeforeEach
    void twoCampaigns() { // not @BeforeAll: RestAssured learns the test port only per test
        if (campaignA != 0) {
            return;
        }
        campaignA = Api.createCampaign("digits", null);
        campaignB = Api.createCampaign("digits", null);
        diff = Diffs.digits("EPOCHS = 10", "EPOCHS = 12");
    }

    private JsonPath issue(long campaign, String name) {
        return issue(campaign, name, null);
    }

    private JsonPath issue(long campaign, String name, Instant expiresAt) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns/{id}/tokens", campaign)
                .then().statusCode(201).header("Cache-Control", "no-store").extract().jsonPath();
    }

    private ValidatableResponse submit(String token, long campaign) {
        return Api.as(token).contentType(ContentType.JSON)
                .body(Map.of("hypothesis", "more epochs", "diff", diff, "specialist", "agent"))
                .post("/api/campaigns/{id}/trials", campaign).then();
    }

    private static void unauthorized(ValidatableResponse response, String detail) {
        response.statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", startsWith("Bearer"))
                .body("detail", containsString(detail));
    }

    private static List<CampaignEvent> events(long campaign) {
        return QuarkusTransaction.requiringNew().call(() -> CampaignEvent.<CampaignEvent>list(
                "campaignId = ?1 order by seq", campaign));
    }

    @Test
    void theAdminTokenIsAFileOnlyItsOwnerCanRead() throws Exception {
        Path file = ConfigProvider.getConfig().getValue("empiric.data-dir", Path.class).resolve("admin-token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Api.adminToken().matches("emp_admin_[A-Za-z0-9_-]{43}"), "an admin token");
        assertEquals("admin", events(campaignA).getFirst().actor, "the campaign was opened by the admin token");
    }

    @Test
    void writesWithoutAValidTokenAre401() {
        unauthorized(Api.anonymous().contentType(ContentType.JSON).body(Map.of("environment", "digits", "name", "x"))
                .post("/api/campaigns").then(), "needs an API token");
        unauthorized(Api.anonymous().contentType(ContentType.JSON).body(Map.of("hypothesis", "x", "diff", diff))
                .post("/api/campaigns/{id}/trials", campaignA).then(), "needs an API token");
        unauthorized(Api.anonymous().post("/api/trials/1/cancel").then(), "needs an API token");
        unauthorized(submit("not-a-token", campaignA), "not an Empiric API token");
        unauthorized(submit("emp_admin_" + "A".repeat(43), campaignA), "not valid");
        unauthorized(submit("emp_987654_" + "A".repeat(43), campaignA), "not valid");
        String real = issue(campaignA, "wrong-secret").getString("token");
        unauthorized(submit(real.substring(0, real.length() - 1) + (real.endsWith("A") ? "B" : "A"), campaignA),
                "not valid");
        unauthorized(given().header("Authorization", "Basic YWRtaW46YWRtaW4=").contentType(ContentType.JSON)
                .body(Map.of("hypothesis", "x", "diff", diff)).post("/api/campaigns/{id}/trials", campaignA).then(),
                "Bearer");
    }

    @Test
    void readsArePublicByDefault() {
        Api.anonymous().get("/api/campaigns").then().statusCode(200).body("id", hasItem((int) campaignA));
        Api.anonymous().get("/api/campaigns/{id}/lineage", campaignA).then().statusCode(200);
    }

    @Test
    void aCampaignTokenWritesToItsCampaignUnderItsName() {
        String token = issue(campaignA, "agent-a").getString("token");
        JsonPath trial = submit(token, campaignA).statusCode(202).extract().jsonPath();
        Api.as(token).post("/api/trials/{id}/cancel", trial.getLong("id")).then().statusCode(200)
                .body("state", equalTo("CANCELLED")).body("notes", containsString("cancelled by agent-a"));
        Api.as(token).contentType(ContentType.JSON).body(Map.of("maxTrials", 1))
                .post("/api/campaigns/{id}/runner", campaignA).then().statusCode(201);
        Api.as(token).delete("/api/campaigns/{id}/runner", campaignA).then().statusCode(200)
                .body("state", equalTo("STOPPED"));

        Map<String, String> actors = new HashMap<>();
        events(campaignA).forEach(event -> actors.putIfAbsent(event.type + (event.trialNumber == null ? ""
                : "#" + event.trialNumber), event.actor));
        int number = trial.getInt("number");
        assertEquals("agent-a", actors.get("trial.submitted#" + number));
        assertEquals("agent-a", actors.get("trial.cancelled#" + number));
        assertEquals("agent-a", actors.get("runner.started"));
        assertEquals("agent-a", actors.get("runner.stopped"));
        assertEquals("admin", actors.get("token.created"));
    }

    @Test
    void aTokenForOneCampaignCannotTouchAnother() {
        String tokenA = issue(campaignA, "only-a").getString("token");
        long trialOfB = Api.submit(campaignB, "admin's trial on B", diff).getLong("id");

        submit(tokenA, campaignB).statusCode(403).contentType(PROBLEM).body("detail", containsString("campaign " + campaignA));
        Api.as(tokenA).post("/api/trials/{id}/cancel", trialOfB).then().statusCode(403).contentType(PROBLEM);
        Api.as(tokenA).contentType(ContentType.JSON).body(Map.of("maxTrials", 1))
                .post("/api/campaigns/{id}/runner", campaignB).then().statusCode(403).contentType(PROBLEM);
        Api.as(tokenA).delete("/api/campaigns/{id}/runner", campaignB).then().statusCode(403).contentType(PROBLEM);
        // Admin-only writes: opening campaigns and managing tokens, even its own campaign's.
        Api.as(tokenA).contentType(ContentType.JSON).body(Map.of("environment", "digits", "name", "mine"))
                .post("/api/campaigns").then().statusCode(403).contentType(PROBLEM)
                .body("detail", containsString("admin token"));
        Api.as(tokenA).contentType(ContentType.JSON).body(Map.of("name", "another"))
                .post("/api/campaigns/{id}/tokens", campaignA).then().statusCode(403);
        Api.as(tokenA).get("/api/campaigns/{id}/tokens", campaignA).then().statusCode(403);

        assertNotEquals("CANCELLED", Api.trial(trialOfB).getString("state"), "B's trial was not cancelled");
        assertFalse(events(campaignB).stream().anyMatch(event -> event.actor.equals("only-a")),
                "nothing in B's log was written by A's token");
    }

    @Test
    void aRevokedTokenStopsWorkingAtOnce() {
        JsonPath issued = issue(campaignA, "short-lived");
        String token = issued.getString("token");
        submit(token, campaignA).statusCode(202);
        given().delete("/api/campaigns/{id}/tokens/{token}", campaignA, issued.getLong("id")).then().statusCode(200)
                .body("state", equalTo("REVOKED")).body("revokedBy", equalTo("admin"));
        unauthorized(submit(token, campaignA), "revoked");
        given().delete("/api/campaigns/{id}/tokens/{token}", campaignB, issued.getLong("id")).then().statusCode(404);
    }

    @Test
    void anExpiredTokenIsRefused() throws InterruptedException {
        String token = issue(campaignA, "expiring", Instant.now().plusMillis(1500)).getString("token");
        submit(token, campaignA).statusCode(202);
        Thread.sleep(1600);
        unauthorized(submit(token, campaignA), "expired");
        given().contentType(ContentType.JSON).body(Map.of("name", "past", "expiresAt", "2020-01-01T00:00:00Z"))
                .post("/api/campaigns/{id}/tokens", campaignA).then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void tokenNamesAreCheckedAndUniquePerCampaign() {
        issue(campaignB, "twice");
        given().contentType(ContentType.JSON).body(Map.of("name", "twice")).post("/api/campaigns/{id}/tokens", campaignB)
                .then().statusCode(409).contentType(PROBLEM);
        for (String bad : List.of("", "runner:3", "has space", "admin", "x".repeat(61))) {
            given().contentType(ContentType.JSON).body(Map.of("name", bad)).post("/api/campaigns/{id}/tokens", campaignB)
                    .then().statusCode(400).contentType(PROBLEM);
        }
        given().contentType(ContentType.JSON).body(Map.of("name", "nowhere")).post("/api/campaigns/987654/tokens")
                .then().statusCode(404);
    }

    @Test
    void aTokenIsShownOnceAndNeverLoggedListedOrRecorded() {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger("").addHandler(capture);
        String token;
        try {
            token = issue(campaignA, "secretive").getString("token");
            submit(token, campaignA).statusCode(202);
            submit(token, campaignB).statusCode(403);
            org.jboss.logging.Logger.getLogger(ApiTokens.class).info("the capture works");
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
        assertTrue(logged.stream().anyMatch(line -> line.contains("the capture works")), "the server's log is captured");
        // emp_<id>_<secret>: the secret is base64url and may itself hold '_'
        String secret = token.substring(token.indexOf('_', "emp_".length()) + 1);
        assertEquals(43, secret.length(), token);
        assertFalse(logged.stream().anyMatch(line -> line.contains(secret)), "the token appeared in the log");
        given().get("/api/campaigns/{id}/tokens", campaignA).then().statusCode(200)
                .body("name", hasItem("secretive")).body("token", everyItem(equalTo(null)))
                .body(not(containsString(secret)));
        assertEquals(List.of(), events(campaignA).stream().filter(event -> event.payload.contains(secret))
                .map(event -> event.type + " " + event.payload).toList(), "the token is in the event log");
        String stored = QuarkusTransaction.requiringNew().call(() -> ApiToken.<ApiToken>find("name", "secretive")
                .firstResult().tokenHash);
        assertEquals(TokenSecrets.hash(secret), stored);
        assertFalse(stored.contains(secret));
    }
}
