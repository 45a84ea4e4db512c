package dev.empiric.campaign;

import dev.empiric.campaign.CampaignService.CampaignView;
import dev.empiric.campaign.CampaignService.CreateCampaign;
import dev.empiric.evaluator.EvaluationQueue;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialQuery;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialSubmission;
import dev.empiric.trial.TrialView;
import dev.empiric.web.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/campaigns")
public class CampaignResource {

    private final CampaignService campaigns;
    private final TrialService trials;
    private final EvaluationQueue queue;

    CampaignResource(CampaignService campaigns, TrialService trials, EvaluationQueue queue) {
        this.campaigns = campaigns;
        this.trials = trials;
        this.queue = queue;
    }

    @POST
    @Operation(summary = "Create a campaign on an environment; its baseline (trial 0) is queued at once")
    public Response create(CreateCampaign request, @Context UriInfo uri) {
        CampaignView campaign = campaigns.create(request);
        queue.wake();
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
        return campaigns.view(campaigns.find(id));
    }

    @POST
    @Path("/{id}/trials")
    @Operation(summary = "Submit a trial: a hypothesis and a unified diff against its parent (default: the best)")
    public Response submit(@PathParam("id") long id, @HeaderParam("Idempotency-Key") String idempotencyKey,
            TrialSubmission submission) {
        TrialService.Submitted submitted = trials.submit(id, submission, idempotencyKey);
        queue.wake();
        return Response.accepted(submitted.trial())
                .header("Location", "/api/trials/" + submitted.trial().id())
                .header("Idempotent-Replayed", submitted.replayed())
                .build();
    }

    @GET
    @Path("/{id}/trials")
    @Operation(summary = "List trials, filtered by state, label or specialist (each repeatable or comma-separated)")
    public TrialQuery.TrialPage trials(@PathParam("id") long id, @QueryParam("state") List<String> states,
            @QueryParam("label") List<String> labels, @QueryParam("specialist") List<String> specialists,
            @QueryParam("sort") String sort, @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        campaigns.find(id);
        return TrialQuery.of(states, labels, specialists, sort, page, size).run(id);
    }

    @GET
    @Path("/{id}/trials/{number}")
    public TrialView trial(@PathParam("id") long id, @PathParam("number") int number) {
        return Trial.findByNumber(id, number).map(TrialView::of)
                .orElseThrow(() -> ApiException.notFound("campaign " + id + " has no trial " + number));
    }
}
