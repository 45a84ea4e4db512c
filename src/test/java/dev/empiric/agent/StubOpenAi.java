package dev.empiric.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI-compatible chat endpoint on a free local port: answers POST /v1/chat/completions with
 * canned assistant texts in order (the last one repeats), each with a fixed token usage, and keeps
 * every request body and Authorization header so that tests can see what the specialist sent.
 */
final class StubOpenAi implements AutoCloseable {

    static final int PROMPT_TOKENS = 80;
    static final int COMPLETION_TOKENS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> answers;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

    StubOpenAi(String... answers) throws IOException {
        this.answers = List.of(answers);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String content = this.answers.get(Math.min(requests.size(), this.answers.size()) - 1);
            byte[] body = JSON.writeValueAsBytes(Map.of("id", "stub-" + requests.size(), "object", "chat.completion",
                    "created", 1, "model", "stub-model",
                    "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                            "message", Map.of("role", "assistant", "content", content))),
                    "usage", Map.of("prompt_tokens", PROMPT_TOKENS, "completion_tokens", COMPLETION_TOKENS,
                            "total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS)));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
