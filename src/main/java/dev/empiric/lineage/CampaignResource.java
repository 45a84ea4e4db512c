package dev.empiric.lineage;

import dev.empiric.Caller;
import dev.empiric.lineage.CampaignService.CampaignView;
import dev.empiric.lineage.CampaignService.CreateCampaign;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/campaigns")
public class CampaignResource {

    private final CampaignService campaigns;
    private final Caller caller;

    CampaignResource(CampaignService campaigns, Caller caller) {
        this.campaigns = campaigns;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Create a campaign on an environment; its baseline (trial 0) is queued at once")
    public Response create(CreateCampaign request, @Context UriInfo uri) {
        CampaignView campaign = campaigns.create(request, caller.adminActor());
        return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(campaign.id())).build())
                .entity(campaign).build();
    }

    @GET
    public List<CampaignView> list() {
        return campaigns.list();
    }

    @GET
    @Path("/{id}")
    public CampaignView get(@PathParam("id") long id) {
        return campaigns.view(id);
    }
}
