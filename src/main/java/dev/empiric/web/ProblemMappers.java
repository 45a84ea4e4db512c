package dev.empiric.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into a problem body; a client never sees a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return Problem.response(e.status(), e.title(), e.getMessage());
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

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> a + "." + b).orElse("(body)");
    }
}
