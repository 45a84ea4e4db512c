package dev.empiric.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The whole lineage tree of a campaign in one call, for the score chart and the tree view. */
@Path("/api/campaigns/{id}/tree")
public class TreeResource {

    private final DashboardService dashboards;

    TreeResource(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GET
    @Operation(summary = "Every trial as a narrow node (number, parent, specialist, state, label, score, Δ, finished,"
            + " hypothesis head) with the chain from the baseline to the best, baseline, noise floor and keep threshold")
    public CampaignTree get(@PathParam("id") long id) {
        return dashboards.tree(id);
    }
}
