package dev.empiric.mcp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.CampaignEvent;
import dev.empiric.support.Api;
import dev.empiric.support.FreshDataDir;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The MCP endpoint driven by the official MCP Java SDK's client over Streamable HTTP, as a coding
 * agent drives it: brief, lineage, files, a submission as SEARCH/REPLACE blocks, its label, a diff;
 * and the token rules of REST.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpServerTest {

    @TestHTTPResource("/")
    URL server;

    long campaign;
    long other;

    @BeforeEach
    void campaigns() {
        if (campaign != 0) {
            return;
        }
        campaign = Api.measuredCampaign("digits", null);
        other = Api.createCampaign("digits", null);
    }

    private String token(long campaign, String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/campaigns/{id}/tokens", campaign).then().statusCode(201).extract().jsonPath().getString("token");
    }

    private McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
                .builder(server.toString().replaceAll("/$", "")).endpoint("/mcp");
        if (token != null) {
            transport.customizeRequest(request -> request.header("Authorization", "Bearer " + token));
        }
        McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofMinutes(6)).build();
        client.initialize();
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    @Test
    void anAgentReadsProposesAndGetsALabelledTrial() {
        try (McpSyncClient agent = client(token(campaign, "claude-code"))) {
            assertThat(agent.listTools().tools().stream().map(McpSchema.Tool::name).toList(), hasItems("lineage_view",
                    "read_file", "diff_trials", "submit_trial", "trial_status", "environment_brief"));

            String brief = text(call(agent, "environment_brief", Map.of("campaign", campaign, "specialist", "claude")));
            assertThat(brief, containsString("accuracy"));
            assertThat(brief, containsString("train.py"));
            assertThat(text(call(agent, "lineage_view", Map.of("campaign", campaign, "specialist", "claude"))),
                    containsString("BASELINE"));
            assertThat(text(call(agent, "read_file", Map.of("campaign", campaign, "path", "train.py"))),
                    containsString("LEARNING_RATE = 0.01"));

            McpSchema.CallToolResult submitted = call(agent, "submit_trial", Map.of("campaign", campaign,
                    "hypothesis", "a larger learning rate converges within the epochs", "specialist", "claude",
                    "edits", "train.py\n<<<<<<< SEARCH\nLEARNING_RATE = 0.01\n=======\nLEARNING_RATE = 0.1\n>>>>>>> REPLACE\n"));
            assertFalse(submitted.isError(), text(submitted));
            Matcher number = Pattern.compile("trial (\\d+) of campaign").matcher(text(submitted));
            assertTrue(number.find(), text(submitted));
            int trial = Integer.parseInt(number.group(1));

            String status = text(call(agent, "trial_status", Map.of("campaign", campaign, "trial", trial, "wait_seconds", 300)));
            assertThat(status, matchesPattern("(?s)trial " + trial + ": (KEEP|DISCARD), .*"));
            assertThat(text(call(agent, "diff_trials", Map.of("campaign", campaign, "from_trial", 0, "to_trial", trial))),
                    containsString("+LEARNING_RATE = 0.1"));
            CampaignEvent submission = QuarkusTransaction.requiringNew().call(() -> CampaignEvent.<CampaignEvent>find(
                    "campaignId = ?1 and trialNumber = ?2 and type = 'trial.submitted'", campaign, trial).firstResult());
            assertEquals("claude-code", submission.actor, "recorded under the token's name");
        }
    }

    @Test
    void theTokenRulesOfRestHold() {
        Map<String, Object> submission = Map.of("campaign", campaign, "hypothesis", "x",
                "edits", "train.py\n<<<<<<< SEARCH\nEPOCHS = 10\n=======\nEPOCHS = 9\n>>>>>>> REPLACE\n");
        try (McpSyncClient foreign = client(token(other, "other-agent"))) {
            McpSchema.CallToolResult refused = call(foreign, "submit_trial", submission);
            assertTrue(refused.isError());
            assertThat(text(refused), containsString("may write only to campaign " + other));
            assertThat(text(call(foreign, "read_file", Map.of("campaign", campaign, "path", "train.py"))),
                    containsString("EPOCHS"));
        }
        try (McpSyncClient anonymous = client(null)) {
            McpSchema.CallToolResult refused = call(anonymous, "submit_trial", submission);
            assertTrue(refused.isError());
            assertThat(text(refused), containsString("needs an API token"));
        }
        Api.as("emp_admin_" + "A".repeat(43)).contentType(ContentType.JSON)
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "ping")).post("/mcp").then().statusCode(401);
    }

    @Test
    void protocolErrorsAreJsonRpcErrors() {
        given().contentType(ContentType.JSON).body("{not json").post("/mcp").then().statusCode(400)
                .body("error.code", equalTo(-32700));
        given().contentType(ContentType.JSON).body(Map.of("jsonrpc", "2.0", "id", 7, "method", "resources/list"))
                .post("/mcp").then().statusCode(200).body("id", equalTo(7)).body("error.code", equalTo(-32601));
        given().contentType(ContentType.JSON).body(Map.of("jsonrpc", "2.0", "id", 8, "method", "tools/call",
                "params", Map.of("name", "rm_rf", "arguments", Map.of()))).post("/mcp").then().body("error.code", equalTo(-32602));
        given().contentType(ContentType.JSON).body(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"))
                .post("/mcp").then().statusCode(202);
        given().contentType(ContentType.JSON).body(Map.of("jsonrpc", "2.0", "id", 9, "method", "tools/call",
                "params", Map.of("name", "trial_status", "arguments", Map.of("campaign", campaign))))
                .post("/mcp").then().statusCode(200).body("result.isError", equalTo(true))
                .body("result.content[0].text", containsString("'trial' is required"));
        given().get("/mcp").then().statusCode(405);
        given().header("Origin", "https://evil.example").contentType(ContentType.JSON)
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "ping")).post("/mcp").then().statusCode(403);
    }
}
