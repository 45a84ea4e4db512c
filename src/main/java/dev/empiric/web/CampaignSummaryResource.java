package dev.empiric.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Every campaign with its runner and last activity, newest first: the campaigns page in one call. */
@Path("/api/campaign-summaries")
public class CampaignSummaryResource {

    private final DashboardService dashboards;

    CampaignSummaryResource(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GET
    @Operation(summary = "Every campaign, newest first, with its latest runner (null if none) and last activity")
    public List<CampaignSummary> list() {
        return dashboards.summaries();
    }
}
