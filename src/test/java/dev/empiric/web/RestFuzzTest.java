package dev.empiric.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import dev.empiric.support.NoEvaluation;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bad input over the whole REST API: a kept corpus ({@code src/test/resources/fuzz/requests.jsonl}:
 * malformed JSON, wrong types, huge fields, unicode, path tricks in URLs and diffs, oversized bodies,
 * bad tokens), then seeded random mutations of valid bodies. Whatever comes in, the answer is never a
 * 5xx, a refusal is always a problem+json body with a title, and no answer carries a stack trace. A
 * corpus line names its expected status when it is not "some 4xx" (diffs that are bad in content are
 * accepted and labelled, never run), and MCP lines are held to JSON-RPC's error shape instead.
 */
@QuarkusTest
@TestProfile(NoEvaluation.class)
@QuarkusTestResource(FreshDataDir.class)
@Tag("store")
class RestFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CORPUS = Path.of("src/test/resources/fuzz/requests.jsonl");
    private static final int MUTATIONS = 400;

    @TestHTTPResource("/")
    URI server;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void theCorpusGetsOnlyClearAnswers() throws Exception {
        Fixture fixture = fixture();
        List<String> failures = new ArrayList<>();
        List<String> lines = Files.readAllLines(CORPUS);
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            byte[] body = body(entry, fixture);
            String authorization = entry.has("authorization") ? entry.get("authorization").asText()
                    : "Bearer " + fixture.token();
            HttpResponse<String> response = send(entry.get("method").asText(), fixture.fill(entry.get("path").asText()),
                    entry.path("contentType").asText("application/json"), authorization, body);
            String problem = entry.path("protocol").asText().equals("jsonrpc") ? jsonRpcProblem(response)
                    : problem(response);
            if (problem == null && entry.has("expect") && entry.get("expect").asInt() != response.statusCode()) {
                problem = "expected " + entry.get("expect").asInt();
            }
            if (problem == null && !entry.has("expect") && (response.statusCode() < 400 || response.statusCode() >= 500)) {
                problem = "expected a 4xx";
            }
            if (problem != null) {
                failures.add(entry.get("why").asText() + ": " + problem + "; got " + response.statusCode() + " "
                        + cut(response.body()));
            }
        }
        assertEquals(80, lines.size(), "the corpus lost lines");
        assertTrue(failures.isEmpty(), failures.size() + " of " + lines.size() + " corpus requests:\n"
                + String.join("\n", failures));
    }

    @Test
    void mutationsOfValidBodiesNeverBreakTheServer() throws Exception {
        Fixture fixture = fixture();
        // Key order fixed (Map.of's is not), so that a seed gives the same mutations in every run.
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("hypothesis", "more epochs");
        body.put("diff", fixture.diff());
        body.put("parent", 0);
        body.put("expectedDelta", 0.01);
        body.put("specialist", "fuzz");
        String trial = JSON.writeValueAsString(body);
        String campaign = "{\"environment\": \"digits\", \"name\": \"fuzz\", \"settings\": {\"recipeSeconds\": 30,"
                + " \"memoryMb\": 512, \"confirmSeedSets\": 3}}";
        Random random = new Random(20261122);
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            boolean onTrials = i % 2 == 0;
            String mutated = mutate(onTrials ? trial : campaign, random);
            HttpResponse<String> response = send("POST", onTrials ? "/api/campaigns/" + fixture.campaign() + "/trials"
                    : "/api/campaigns", "application/json", "Bearer " + fixture.token(),
                    mutated.getBytes(StandardCharsets.UTF_8));
            accepted += response.statusCode() < 300 ? 1 : 0;
            String problem = problem(response);
            if (problem != null) {
                failures.add(problem + "; got " + response.statusCode() + " for " + cut(mutated) + ": "
                        + cut(response.body()));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + MUTATIONS + " mutations:\n"
                + String.join("\n", failures));
        assertTrue(accepted > 0 && accepted < MUTATIONS, "the mutations were all accepted or all refused: " + accepted);
    }

    /** What is wrong with an answer whatever the input: a 5xx, a refusal without a problem body, a stack trace. */
    private static String problem(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body();
        if (status >= 500) {
            return "a server error";
        }
        if (body.contains("Exception") || body.matches("(?s).*\\bat [a-z]+\\.[a-z.]+[A-Z]\\w*\\.\\w+\\(.*")) {
            return "a stack trace or exception name in the body";
        }
        if (status >= 400) {
            if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                return "a refusal that is not problem+json";
            }
            try {
                if (JSON.readTree(body).path("title").asText().isBlank()) {
                    return "a problem without a title";
                }
            } catch (IOException e) {
                return "a problem body that is not JSON";
            }
        }
        return null;
    }

    /** MCP speaks JSON-RPC: its refusals are JSON-RPC error objects, never a 5xx or a stack trace. */
    private static String jsonRpcProblem(HttpResponse<String> response) {
        if (response.statusCode() >= 500 || response.body().contains("Exception")) {
            return "a server error or an exception in the body";
        }
        try {
            return JSON.readTree(response.body()).path("error").path("message").asText().isBlank()
                    && !JSON.readTree(response.body()).path("result").path("isError").asBoolean()
                    ? "no JSON-RPC error and no tool error" : null;
        } catch (IOException e) {
            return "a body that is not JSON";
        }
    }

    /** One random edit of a JSON text: what a buggy or hostile client sends. */
    private static String mutate(String json, Random random) {
        String[] swaps = {"null", "true", "-1", "1e400", "\"\"", "[]", "{}", "\"\\u0000\"", "\"\\ud800\"",
                "99999999999999999999", "\"" + "x".repeat(5000) + "\"", "NaN", "\"../../etc/passwd\""};
        StringBuilder text = new StringBuilder(json);
        int at = random.nextInt(text.length());
        switch (random.nextInt(6)) {
            case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(8)));
            case 1 -> text.insert(at, swaps[random.nextInt(swaps.length)]);
            case 2 -> text.setCharAt(at, (char) random.nextInt(0x3000));
            case 3 -> {
                int colon = text.indexOf(":", at);
                int end = colon < 0 ? -1 : firstOf(text, colon + 1, ',', '}');
                if (end > colon + 1) {
                    text.replace(colon + 1, end, " " + swaps[random.nextInt(swaps.length)]);
                }
            }
            case 4 -> text.setLength(at);
            default -> text.insert(at, text.substring(0, at));
        }
        return text.toString();
    }

    private static int firstOf(CharSequence text, int from, char a, char b) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == a || text.charAt(i) == b) {
                return i;
            }
        }
        return -1;
    }

    private HttpResponse<String> send(String method, String path, String contentType, String authorization,
            byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path.substring(1)))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            request.header("Authorization", authorization);
        } catch (IllegalArgumentException notSendable) {
            // The JDK refuses some header bytes itself; such a header never reaches any server.
            fail("corpus header cannot be sent: " + authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] body(JsonNode entry, Fixture fixture) {
        if (entry.has("bodyBase64")) {
            return Base64.getDecoder().decode(entry.get("bodyBase64").asText());
        }
        JsonNode body = entry.get("body");
        if (body == null) {
            return null;
        }
        if (body.isTextual()) {
            return fixture.fill(body.asText()).getBytes(StandardCharsets.UTF_8);
        }
        String text = fixture.fill(body.path("prefix").asText()) + body.get("repeat").asText().replace("\\n", "\n")
                .repeat(body.get("times").asInt()) + body.path("suffix").asText();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String cut(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /** A campaign with its baseline queued, the admin token and a valid diff to put into bodies. */
    private record Fixture(long campaign, long trial, String token, String diff) {
        String fill(String template) {
            String escapedDiff;
            try {
                String quoted = JSON.writeValueAsString(diff);
                escapedDiff = quoted.substring(1, quoted.length() - 1);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return template.replace("{campaign}", String.valueOf(campaign)).replace("{trial}", String.valueOf(trial))
                    .replace("{diff}", escapedDiff);
        }
    }

    private Fixture fixture() {
        long campaign = Api.createCampaign("digits", null);
        long baseline = Api.trials(campaign).stream().mapToLong(t -> ((Number) t.get("id")).longValue()).min()
                .orElseThrow();
        assertFalse(Api.adminToken().isBlank());
        return new Fixture(campaign, baseline, Api.adminToken(), Diffs.digits("EPOCHS = 10", "EPOCHS = 12"));
    }
}
