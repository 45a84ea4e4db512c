package dev.empiric.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.empiric.ChangesNothing;
import dev.empiric.DomainException;
import dev.empiric.Json;
import dev.empiric.NotAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The Model Context Protocol over Streamable HTTP (JSON-RPC 2.0, one POST per message, JSON answers),
 * so that any coding agent that speaks MCP (Claude Code, Codex CLI, Cursor, Goose, ...) can work as a
 * specialist with the tools of {@link McpTools}. Stateless: no session, no server-initiated stream
 * (a GET is 405, which the transport allows), so any server of a cluster can answer any call.
 *
 * <p>Tokens are checked as for REST ({@code dev.empiric.access}): the endpoint itself counts as a read
 * ({@link ChangesNothing}); {@code submit_trial} asks for the right to write to its campaign.
 */
@Path("/mcp")
public class McpEndpoint {

    static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    private static final Logger LOG = Logger.getLogger(McpEndpoint.class);
    private static final int PARSE_ERROR = -32700;
    private static final int INVALID_REQUEST = -32600;
    private static final int METHOD_NOT_FOUND = -32601;
    private static final int INVALID_PARAMS = -32602;
    private static final int INTERNAL_ERROR = -32603;

    private final McpTools tools;

    McpEndpoint(McpTools tools) {
        this.tools = tools;
    }

    @POST
    @ChangesNothing
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Model Context Protocol (Streamable HTTP): JSON-RPC messages from coding agents; see docs/agents.md")
    public Response message(String body, @HeaderParam("Origin") String origin, @HeaderParam("Host") String host) {
        if (origin != null && !sameHost(origin, host)) {
            // A browser page of another site must not drive a local server (DNS rebinding).
            throw new NotAllowed("MCP requests from the web origin " + origin + " are not accepted");
        }
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return Response.status(400).entity(error(null, PARSE_ERROR, "not JSON: " + e.getOriginalMessage())).build();
        }
        if (message != null && message.isArray()) {
            ArrayNode answers = Json.MAPPER.createArrayNode();
            message.forEach(one -> {
                JsonNode answer = answer(one);
                if (answer != null) {
                    answers.add(answer);
                }
            });
            return answers.isEmpty() ? Response.accepted().build() : Response.ok(answers).build();
        }
        JsonNode answer = answer(message);
        return answer == null ? Response.accepted().build() : Response.ok(answer).build();
    }

    /** The answer to one message; null for notifications and responses, which get none. */
    private JsonNode answer(JsonNode message) {
        if (message == null || !message.isObject() || !message.path("method").isTextual()) {
            return message != null && message.isObject() && (message.has("result") || message.has("error")) ? null
                    : error(null, INVALID_REQUEST, "a JSON-RPC 2.0 message with a 'method' is expected");
        }
        JsonNode id = message.get("id");
        if (id == null || id.isNull()) {
            return null; // a notification (notifications/initialized, notifications/cancelled, ...)
        }
        JsonNode params = message.path("params");
        return switch (message.get("method").asText()) {
            case "initialize" -> result(id, initialize(params));
            case "ping" -> result(id, Json.MAPPER.createObjectNode());
            case "tools/list" -> result(id, toolList());
            case "tools/call" -> call(id, params);
            default -> error(id, METHOD_NOT_FOUND, "no method '" + message.get("method").asText()
                    + "'; this server offers initialize, ping, tools/list and tools/call");
        };
    }

    private static ObjectNode initialize(JsonNode params) {
        String asked = params.path("protocolVersion").asText("");
        ObjectNode result = Json.MAPPER.createObjectNode()
                .put("protocolVersion", PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSIONS.getFirst());
        result.putObject("capabilities").putObject("tools").put("listChanged", false);
        result.putObject("serverInfo").put("name", "empiric").put("version", "0.1.0");
        result.put("instructions", "Empiric measures code edits. Start with environment_brief and lineage_view for"
                + " your campaign, read the best recipe with read_file, propose with submit_trial, then wait for the"
                + " label with trial_status. The evaluator owns every score: nothing you print counts.");
        return result;
    }

    private ObjectNode toolList() {
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode list = result.putArray("tools");
        for (McpTools.Tool tool : tools.all()) {
            list.addObject().put("name", tool.name()).put("description", tool.description())
                    .set("inputSchema", tool.inputSchema());
        }
        return result;
    }

    private ObjectNode call(JsonNode id, JsonNode params) {
        String name = params.path("name").asText("");
        McpTools.Tool tool = tools.all().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        if (tool == null) {
            return error(id, INVALID_PARAMS, "no tool '" + name + "'; tools: "
                    + tools.all().stream().map(McpTools.Tool::name).toList());
        }
        JsonNode arguments = params.path("arguments");
        McpTools.Result outcome;
        try {
            outcome = tool.call().apply(arguments.isObject() ? arguments : Json.MAPPER.createObjectNode());
        } catch (McpTools.BadArguments | DomainException e) {
            // What the agent should change (or may not do) is reported as the tool's result, so the model sees it.
            outcome = McpTools.Result.failed(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("MCP tool " + name + " failed", e);
            return error(id, INTERNAL_ERROR, "the tool failed on the server; see its log");
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", outcome.text());
        return result(id, result.put("isError", outcome.error()));
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode answer = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        answer.set("id", id);
        answer.set("result", result);
        return answer;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode answer = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        answer.set("id", id);
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && (host.equalsIgnoreCase(authority) || host.equalsIgnoreCase(uri.getHost()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
