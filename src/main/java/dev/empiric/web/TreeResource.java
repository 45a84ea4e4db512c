package dev.empiric.web;

import dev.empiric.trial.InvalidTrialQuery;
import dev.empiric.trial.TrialNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * A campaign's lineage tree for the score chart and the tree view: all of it in one call, then the
 * nodes that events name and the hypothesis heads of the nodes a page shows.
 */
@Path("/api/campaigns/{id}/tree")
public class TreeResource {

    private final DashboardService dashboards;

    TreeResource(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GET
    @Operation(summary = "Every trial as a node [number, parent, specialist, state, label, score, deltaVsBest], with"
            + " the chain from the baseline to the best, baseline, noise floor, keep threshold and the newest event id")
    public CampaignTree get(@PathParam("id") long id) {
        return dashboards.tree(id);
    }

    @GET
    @Path("/nodes")
    @Operation(summary = "Some nodes of the tree (those a page was told changed), in number order")
    public List<TrialNode> nodes(@PathParam("id") long id, @Parameter(description = "comma-separated trial numbers,"
            + " at most " + CampaignTree.MAX_NUMBERS) @QueryParam("numbers") String numbers) {
        return dashboards.nodes(id, numbers(numbers));
    }

    @GET
    @Path("/heads")
    @Operation(summary = "The first " + CampaignTree.HEAD_CHARS + " characters of some trials' hypotheses, by number")
    public Map<Integer, String> heads(@PathParam("id") long id, @Parameter(description = "comma-separated trial"
            + " numbers, at most " + CampaignTree.MAX_NUMBERS) @QueryParam("numbers") String numbers) {
        return dashboards.heads(id, numbers(numbers));
    }

    private static List<Integer> numbers(String text) {
        List<Integer> numbers = new ArrayList<>();
        if (text == null || text.isBlank()) {
            throw new InvalidTrialQuery("numbers is required: comma-separated trial numbers");
        }
        for (String part : text.split(",")) {
            try {
                int number = Integer.parseInt(part.strip());
                if (number < 0) {
                    throw new NumberFormatException();
                }
                numbers.add(number);
            } catch (NumberFormatException e) {
                throw new InvalidTrialQuery("numbers must be trial numbers (0 or more), not '" + part + "'");
            }
        }
        if (numbers.size() > CampaignTree.MAX_NUMBERS) {
            throw new InvalidTrialQuery("at most " + CampaignTree.MAX_NUMBERS + " numbers per request");
        }
        return numbers;
    }
}
