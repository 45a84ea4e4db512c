package dev.empiric.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A campaign dashboard's aggregates: outcomes per specialist, the queue, the runner, the latest proposal. */
@Path("/api/campaigns/{id}/dashboard")
public class DashboardResource {

    private final DashboardService dashboards;

    DashboardResource(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GET
    @Operation(summary = "The campaign, its latest runner, outcomes by specialist and label, the queue with each"
            + " attempt's time budget, the latest proposal and the last activity")
    public CampaignDashboard get(@PathParam("id") long id) {
        return dashboards.dashboard(id);
    }
}
