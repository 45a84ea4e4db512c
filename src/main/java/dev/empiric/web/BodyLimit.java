package dev.empiric.web;

import dev.empiric.Json;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is refused before anything reads it, as
 * Vert.x does, but with a problem+json body that says what the limit is, like every other refusal:
 * a client that sent 9 MB should learn why, not get an empty 413.
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
        router.errorHandler(413, context -> refuse(context, null));
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long bytes;
        try {
            bytes = length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes > maxBytes) {
            refuse(context, bytes);
        } else {
            context.next();
        }
    }

    private void refuse(RoutingContext context, Long bytes) {
        if (context.response().ended()) {
            return;
        }
        String detail = (bytes == null ? "the body" : "the body of " + bytes + " bytes") + " is over the server's limit of "
                + maxBytes + " bytes (quarkus.http.limits.max-body-size)";
        context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.write(new Problem("about:blank", "Request too large", 413, detail)));
    }
}
