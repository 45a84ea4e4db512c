package dev.empiric.agent;

import static dev.empiric.support.Api.awaitRunner;
import static dev.empiric.support.Api.createCampaign;
import static io.restassured.RestAssured.given;
import static dev.empiric.support.Api.measuredCampaign;
import static dev.empiric.support.Api.startRunner;
import static dev.empiric.support.Api.trials;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LLM specialists against a local OpenAI-compatible stub, on the digits environment with real Docker
 * and real git: the stub's edit becomes a measured trial, a malformed answer is retried with the error
 * fed back or counted as a failed proposal, and the token budget ends the run.
 */
@QuarkusTest
class LlmSpecialistTest {

    private static final String VALID = """
            Hypothesis: momentum 0.9 smooths the gradient noise of small batches, so accuracy rises.

            train.py
            <<<<<<< SEARCH
            MOMENTUM = 0.0
            =======
            MOMENTUM = 0.9
            >>>>>>> REPLACE
            """;
    private static final String MALFORMED = "I would raise the momentum, it usually helps.";

    @Test
    void theStubsEditBecomesAMeasuredTrialAndTheTokenBudgetEndsTheRun() throws Exception {
        try (StubOpenAi stub = new StubOpenAi(VALID)) {
            long campaign = measuredCampaign("digits", settings(stub, 1, 100L));
            startRunner(campaign, Map.of("maxTrials", 5, "specialists", List.of("llm")));
            JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
            assertEquals("TOKEN_BUDGET", done.getString("endReason"), done.prettify());
            assertEquals(1, done.getInt("trials"));
            assertEquals(StubOpenAi.PROMPT_TOKENS + StubOpenAi.COMPLETION_TOKENS, done.getLong("tokensUsed"));
            assertEquals(1, stub.requests.size(), "a call was made after the budget was spent");
            assertEquals("Bearer " + System.getenv("HOME"), stub.authorizations.get(0));

            String prompt = stub.requests.get(0);
            assertTrue(prompt.contains("Task for specialist 'llm'"), "no surface preamble: " + prompt);
            assertTrue(prompt.contains("You own the surface 'opt'"), "no surface: " + prompt);
            assertTrue(prompt.indexOf("What is known about digits") < prompt.indexOf("You own the surface")
                    && prompt.contains("The effective step is"), "the environment's notes are not pinned: " + prompt);
            assertTrue(prompt.contains("Current best"), "no lineage view: " + prompt);
            assertTrue(prompt.contains("MOMENTUM = 0.0"), "no recipe files: " + prompt);

            Map<String, Object> trial = trials(campaign).get(1);
            assertEquals("llm", trial.get("specialist"));
            assertEquals("FINISHED", trial.get("state"));
            assertNotNull(trial.get("label"));
            assertTrue(List.of("KEEP", "DISCARD").contains(trial.get("label")), "label " + trial.get("label"));
            assertTrue(((String) trial.get("hypothesis")).startsWith("momentum 0.9 smooths"));
            assertTrue(given().get("/api/trials/{id}/diff", trial.get("id")).asString().contains("+MOMENTUM = 0.9"));
        }
    }

    @Test
    void aMalformedAnswerIsRetriedWithTheErrorFedBack() throws Exception {
        try (StubOpenAi stub = new StubOpenAi(MALFORMED, VALID)) {
            long campaign = measuredCampaign("digits", settings(stub, 2, null));
            startRunner(campaign, Map.of("maxTrials", 1, "specialists", List.of("llm")));
            JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
            assertEquals("MAX_TRIALS", done.getString("endReason"), done.prettify());
            assertEquals(1, done.getInt("trials"));
            assertEquals(0, done.getInt("failedProposals"));
            assertEquals(2, stub.requests.size());
            assertTrue(stub.requests.get(1).contains("could not be used") && stub.requests.get(1).contains("Hypothesis"),
                    "the parse error was not fed back: " + stub.requests.get(1));
            assertEquals(2, trials(campaign).size(), "baseline + one trial");
            assertEquals(2L * (StubOpenAi.PROMPT_TOKENS + StubOpenAi.COMPLETION_TOKENS), done.getLong("tokensUsed"));
        }
    }

    @Test
    void answersMalformedEveryTimeAreAFailedProposalNotATrial() throws Exception {
        try (StubOpenAi stub = new StubOpenAi(MALFORMED)) {
            long campaign = measuredCampaign("digits", settings(stub, 2, null));
            startRunner(campaign, Map.of("maxTrials", 3, "specialists", List.of("llm")));
            JsonPath done = awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
            assertEquals("NOTHING_NEW", done.getString("endReason"), done.prettify());
            assertEquals(0, done.getInt("trials"));
            assertEquals(1, done.getInt("failedProposals"));
            assertEquals(1, done.getInt("yields[0].failed"));
            assertTrue(done.getString("yields[0].lastFailure").contains("2 malformed answers"), done.prettify());
            assertEquals(1, trials(campaign).size(), "only the baseline");
        }
    }

    @Test
    void badConfigurationsAreProblems() throws Exception {
        given().contentType(ContentType.JSON).body(Map.of("environment", "digits", "name", "bad llm",
                "settings", Map.of("tokenBudget", 0, "llm", List.of(Map.of("name", "LLM", "provider", "gemini")))))
                .post("/api/campaigns").then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("detail", allOf(containsString("settings.tokenBudget"), containsString("settings.llm[0].name"),
                        containsString("settings.llm[0].provider"), containsString("settings.llm[0].model")));
        try (StubOpenAi stub = new StubOpenAi(VALID)) {
            Map<String, Object> settings = settings(stub, 1, null);
            settings.put("llm", List.of(Map.of("name", "llm", "baseUrl", stub.baseUrl(), "model", "m",
                    "apiKeyEnv", "EMPIRIC_TEST_UNSET_KEY")));
            long campaign = createCampaign("digits", settings);
            given().contentType(ContentType.JSON).body(Map.of("maxTrials", 1, "specialists", List.of("llm")))
                    .post("/api/campaigns/{id}/runner", campaign).then().statusCode(422)
                    .body("detail", containsString("EMPIRIC_TEST_UNSET_KEY"));
            assertEquals(0, stub.requests.size());
        }
    }

    private static Map<String, Object> settings(StubOpenAi stub, int maxAttempts, Long tokenBudget) {
        Map<String, Object> llm = new HashMap<>(Map.of("name", "llm", "baseUrl", stub.baseUrl(), "model", "stub-model",
                "apiKeyEnv", "HOME", "surface", "opt", "maxTokens", 512, "maxAttempts", maxAttempts));
        Map<String, Object> settings = new HashMap<>(Map.of("llm", List.of(llm)));
        if (tokenBudget != null) {
            settings.put("tokenBudget", tokenBudget);
        }
        return settings;
    }
}
