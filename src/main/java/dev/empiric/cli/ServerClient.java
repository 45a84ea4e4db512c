package dev.empiric.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP calls the commands make, with the token on every request. A refusal becomes a
 * {@link Failure} carrying the server's own explanation (the problem body's {@code detail}) and the
 * exit code for its status; an unreachable server becomes one too.
 */
final class ServerClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String JSON = "application/json";

    private final URI base;
    private final String token;
    private final HttpClient http;

    ServerClient(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) {
        return json(send(request(path, JSON).GET(), BodyHandlers.ofByteArray()));
    }

    /** A text answer (a diff, a log, Markdown). */
    String text(String path, String accept) {
        return new String(send(request(path, accept).GET(), BodyHandlers.ofByteArray()), StandardCharsets.UTF_8);
    }

    JsonNode post(String path, Object body) {
        return post(path, body, Map.of());
    }

    JsonNode post(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, JSON).header("Content-Type", JSON).POST(jsonBody(body));
        headers.forEach(request::header);
        return json(send(request, BodyHandlers.ofByteArray()));
    }

    JsonNode delete(String path) {
        return json(send(request(path, JSON).DELETE(), BodyHandlers.ofByteArray()));
    }

    /** Streams an answer to a file, written in full or not at all. */
    void download(String path, Path target) {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        send(request(path, "*/*").GET(), BodyHandlers.ofFile(partial));
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new Failure(Empiric.REFUSED, "cannot write " + target + ": " + e.getMessage());
        }
    }

    /** Sends a file as the request body. */
    JsonNode upload(String path, Path file, String contentType) {
        try {
            HttpRequest.Builder request = request(path, JSON).header("Content-Type", contentType)
                    .POST(BodyPublishers.ofFile(file));
            return json(send(request, BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new Failure(Empiric.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** An open response body, for a stream the caller reads as it arrives. */
    InputStream open(String path, String accept, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, accept).GET();
        headers.forEach(request::header);
        return send(request, BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder request(String path, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", accept);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** An answer: the body as asked for when it succeeded, the error body's bytes when it did not. */
    private record Answer<T>(T body, byte[] error) {}

    private <T> T send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        HttpRequest built = request.build();
        HttpResponse<Answer<T>> response;
        try {
            response = http.send(built, info -> info.statusCode() < 400
                    ? HttpResponse.BodySubscribers.mapping(body.apply(info), ok -> new Answer<>(ok, null))
                    : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                            error -> new Answer<T>(null, error)));
        } catch (IOException e) {
            throw new Failure(Empiric.UNREACHABLE, "cannot reach " + base + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Empiric.UNREACHABLE, "interrupted");
        }
        int status = response.statusCode();
        if (status >= 400) {
            int code = status == 401 || status == 403 ? Empiric.NOT_AUTHORISED
                    : status == 404 ? Empiric.NOT_FOUND
                    : status >= 500 ? Empiric.UNREACHABLE
                    : Empiric.REFUSED;
            throw new Failure(code, problemDetail(new String(response.body().error(), StandardCharsets.UTF_8))
                    + " (HTTP " + status + " from " + built.method() + " " + built.uri().getPath() + ")");
        }
        return response.body().body();
    }

    private static String problemDetail(String body) {
        try {
            JsonNode problem = Empiric.JSON.readTree(body);
            if (problem.hasNonNull("detail")) {
                return problem.get("detail").asText();
            }
            if (problem.hasNonNull("title")) {
                return problem.get("title").asText();
            }
        } catch (IOException e) {
            // not JSON: show the start of the text
        }
        String text = body == null ? "" : body.strip();
        return text.isEmpty() ? "no explanation given" : text.substring(0, Math.min(300, text.length()));
    }

    private static BodyPublisher jsonBody(Object body) {
        try {
            return body == null ? BodyPublishers.noBody()
                    : BodyPublishers.ofByteArray(Empiric.JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return Empiric.JSON.nullNode();
        }
        try {
            return Empiric.JSON.readTree(body);
        } catch (IOException e) {
            throw new Failure(Empiric.UNREACHABLE, "the server answered something that is not JSON: "
                    + new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8));
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused (is the server running there?)";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
