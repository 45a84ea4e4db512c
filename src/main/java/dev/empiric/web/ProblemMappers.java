package dev.empiric.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.empiric.DomainException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into a problem body; a client never sees a stack trace. This is the only place
 * where a domain refusal becomes an HTTP status: services speak in {@link DomainException.Kind}s.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** How long a client should wait before retrying a request the platform could not serve. */
    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case BUSY -> 429;
            case UNAVAILABLE -> 503;
        };
        Response response = Problem.response(status, title(e.kind()), e.getMessage());
        if (e.kind() == DomainException.Kind.BUSY || e.kind() == DomainException.Kind.UNAVAILABLE) {
            return Response.fromResponse(response).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        if (e.kind() == DomainException.Kind.UNAUTHENTICATED) {
            return Response.fromResponse(response).header("WWW-Authenticate", "Bearer").build();
        }
        return response;
    }

    @ServerExceptionMapper(priority = 1)
    public Response unknownField(UnrecognizedPropertyException e) {
        return Problem.response(400, "Malformed JSON", "unknown field '" + e.getPropertyName() + "'; known fields: "
                + e.getKnownPropertyIds());
    }

    @ServerExceptionMapper(priority = 2)
    public Response wrongType(InvalidFormatException e) {
        return Problem.response(400, "Malformed JSON", "field '" + path(e) + "' cannot take the value "
                + e.getValue());
    }

    @ServerExceptionMapper(priority = 3)
    public Response mismatched(MismatchedInputException e) {
        return Problem.response(400, "Malformed JSON", "field '" + path(e) + "' has the wrong type");
    }

    @ServerExceptionMapper(priority = 4)
    public Response json(JsonProcessingException e) {
        return Problem.response(400, "Malformed JSON", e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        return Problem.response(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected error while serving a request", e);
        return Problem.response(500, "Internal error", "the server failed to handle the request; see its log");
    }

    private static String title(DomainException.Kind kind) {
        return switch (kind) {
            case INVALID -> "Bad request";
            case UNAUTHENTICATED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case TOO_LARGE -> "Request too large";
            case UNPROCESSABLE -> "Unprocessable request";
            case BUSY -> "Too many requests";
            case UNAVAILABLE -> "Service unavailable";
        };
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b).orElse("(body)");
    }
}
