package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import dev.empiric.support.NoEvaluation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load case as a test: 1,000 submissions from 50 concurrent clients against a queue limit,
 * the first of each client's sent at the same instant as another client's with the same idempotency
 * key. Every request is answered (202, or 429 with Retry-After once the queue is full), no accepted
 * trial is lost or stored twice, and each key makes exactly one trial. Throughput is measured by
 * {@code src/scripts/bench-load.sh}, not here.
 */
@QuarkusTest
@TestProfile(NoEvaluation.class)
@QuarkusTestResource(FreshDataDir.class)
@Tag("store")
class ConcurrentSubmissionsTest {

    private static final int CLIENTS = 50;
    private static final int EACH = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI server;

    @Inject
    Trials trials;

    private record Answer(int client, int request, int status, String retryAfter, String contentType, JsonNode body,
            String replayed) {}

    @Test
    void everySubmissionIsAnsweredNoneIsLostOrDoubledAndEachKeyMakesOneTrial() throws Exception {
        long campaign = Api.createCampaign("digits", null); // its baseline takes one place in the queue
        String token = Api.adminToken();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<List<Answer>>> futures = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            int c = client;
            futures.add(clients.submit(() -> {
                start.await();
                List<Answer> answers = new ArrayList<>();
                for (int request = 0; request < EACH; request++) {
                    // Request 0 of clients 2k and 2k+1 is the same submission under the key k-<k>.
                    int epochs = request == 0 ? 2000 + c / 2 : 11 + c * EACH + request;
                    String body = JSON.writeValueAsString(Map.of("hypothesis", "epochs " + epochs,
                            "diff", Diffs.digits("EPOCHS = 10", "EPOCHS = " + epochs)));
                    HttpRequest.Builder post = HttpRequest.newBuilder(server.resolve("api/campaigns/" + campaign + "/trials"))
                            .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body));
                    if (request == 0) {
                        post.header("Idempotency-Key", "k-" + c / 2);
                    }
                    HttpResponse<String> response = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
                    answers.add(new Answer(c, request, response.statusCode(),
                            response.headers().firstValue("Retry-After").orElse(null),
                            response.headers().firstValue("Content-Type").orElse(""), JSON.readTree(response.body()),
                            response.headers().firstValue("Idempotent-Replayed").orElse(null)));
                }
                return answers;
            }));
        }
        start.countDown();
        List<Answer> answers = new ArrayList<>();
        for (Future<List<Answer>> future : futures) {
            answers.addAll(future.get());
        }
        clients.shutdown();
        assertEquals(CLIENTS * EACH, answers.size());

        Set<Long> accepted = new HashSet<>();
        Map<Integer, Set<Long>> byKey = new HashMap<>();
        int replays = 0;
        for (Answer answer : answers) {
            if (answer.status() == 429) {
                assertNotNull(answer.retryAfter(), "a 429 without Retry-After: " + answer);
                assertTrue(answer.contentType().startsWith("application/problem+json"), answer.toString());
                continue;
            }
            assertEquals(202, answer.status(), answer.toString());
            long id = answer.body().get("id").asLong();
            if (answer.request() == 0) {
                byKey.computeIfAbsent(answer.client() / 2, k -> new HashSet<>()).add(id);
                replays += "true".equals(answer.replayed()) ? 1 : 0;
            }
            accepted.add(id);
        }
        // The keyed pairs went first, with the queue nearly empty: both answered, with one trial.
        assertEquals(CLIENTS / 2, byKey.size(), "a keyed submission was refused: " + byKey);
        byKey.forEach((key, ids) -> assertEquals(1, ids.size(), "key k-" + key + " made trials " + ids));
        assertEquals(CLIENTS / 2, replays, "each key's second submission is a replay of the first");

        List<Trial> stored = QuarkusTransaction.requiringNew().call(() -> Trial.<Trial>list("campaignId", campaign));
        Set<Long> storedIds = new HashSet<>();
        stored.stream().filter(t -> t.number != 0).forEach(t -> storedIds.add(t.id));
        assertEquals(accepted, storedIds, "accepted and stored trials differ");
        assertEquals(stored.size(), stored.stream().map(t -> t.number).distinct().count(), "a trial number twice");
        assertEquals(NoEvaluation.MAX_QUEUED, QuarkusTransaction.requiringNew().call(() -> trials.queued(campaign)),
                "the queue did not fill up to its limit");
        assertEquals(NoEvaluation.MAX_QUEUED - 1, accepted.size());
    }
}
