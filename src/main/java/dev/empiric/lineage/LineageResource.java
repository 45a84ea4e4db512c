package dev.empiric.lineage;

import dev.empiric.trial.Trial;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The lineage view over REST, so that an external agent reads exactly what an internal specialist
 * is given. JSON by default; Markdown (ready to paste into a prompt) with {@code format=markdown} or
 * {@code Accept: text/markdown}.
 */
@Path("/api/campaigns/{id}/lineage")
public class LineageResource {

    private static final MediaType MARKDOWN = MediaType.valueOf(LineageMarkdown.MEDIA_TYPE);

    private final LineageService lineage;

    LineageResource(LineageService lineage) {
        this.lineage = lineage;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, LineageMarkdown.MEDIA_TYPE})
    @Operation(summary = "The lineage view a specialist is given before it proposes: task, best, leaderboard,"
            + " chain to the best, the best's children, recent trials, its own failures, label counts")
    @APIResponse(responseCode = "200", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LineageView.class)),
            @Content(mediaType = LineageMarkdown.MEDIA_TYPE, schema = @Schema(implementation = String.class))})
    public Response view(@PathParam("id") long id, @QueryParam("specialist") String specialist,
            @QueryParam("top") String top, @QueryParam("recent") String recent,
            @QueryParam("ownFailures") String ownFailures, @QueryParam("children") String children,
            @QueryParam("format") String format, @Context HttpHeaders headers) {
        if (specialist != null && !specialist.matches(Trial.SPECIALIST_NAME)) {
            throw new InvalidLineageRequest("specialist must be 1-100 letters, digits or _.:-");
        }
        boolean markdown = markdown(format, headers);
        LineageService.Options defaults = LineageService.Options.DEFAULT;
        LineageService.Options options = new LineageService.Options(count(top, "top", defaults.top()),
                count(recent, "recent", defaults.recent()), count(ownFailures, "ownFailures", defaults.ownFailures()),
                count(children, "children", defaults.children()));
        LineageView view = lineage.view(id, specialist, options);
        return markdown
                ? Response.ok(LineageMarkdown.render(view), MARKDOWN.withCharset("UTF-8")).build()
                : Response.ok(view, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** An explicit {@code format} wins; otherwise the first acceptable type that names Markdown or JSON. */
    private static boolean markdown(String format, HttpHeaders headers) {
        if (format != null) {
            return switch (format) {
                case "markdown" -> true;
                case "json" -> false;
                default -> throw new InvalidLineageRequest("format must be 'json' or 'markdown', not '" + format + "'");
            };
        }
        for (MediaType accepted : headers.getAcceptableMediaTypes()) {
            if (!accepted.isWildcardType() && MARKDOWN.isCompatible(accepted)) {
                return true;
            }
            if (MediaType.APPLICATION_JSON_TYPE.isCompatible(accepted)) {
                return false;
            }
        }
        return false;
    }

    private static int count(String value, String name, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidLineageRequest(name + " must be a whole number, not '" + value + "'");
        }
    }
}
