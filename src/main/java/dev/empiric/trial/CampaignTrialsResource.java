package dev.empiric.trial;

import dev.empiric.Caller;
import dev.empiric.CampaignWrite;
import dev.empiric.campaign.Campaign;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** A campaign's trials over REST: submitting one (as every agent does), listing them, one by number. */
@Path("/api/campaigns/{id}/trials")
public class CampaignTrialsResource {

    private final TrialService service;
    private final Trials trials;
    private final Caller caller;

    CampaignTrialsResource(TrialService service, Trials trials, Caller caller) {
        this.service = service;
        this.trials = trials;
        this.caller = caller;
    }

    @POST
    @CampaignWrite
    @Operation(summary = "Submit a trial: a hypothesis and a unified diff against its parent (default: the best)")
    public Response submit(@PathParam("id") long id, @HeaderParam("Idempotency-Key") String idempotencyKey,
            TrialSubmission submission) {
        TrialService.Submitted submitted = service.submit(id, submission, idempotencyKey, caller.actorFor(id));
        TrialView trial = submitted.trial();
        if (trial.label() == Label.INFRA_ERROR) {
            throw new TrialStoreUnavailable(trial.labelReason() + " (recorded as trial " + trial.number() + ", id "
                    + trial.id() + ")", null);
        }
        return Response.accepted(trial)
                .header("Location", "/api/trials/" + trial.id())
                .header("Idempotent-Replayed", submitted.replayed())
                .build();
    }

    @GET
    @Operation(summary = "List trials, filtered by state, label or specialist (each repeatable or comma-separated)")
    public TrialQuery.TrialPage list(@PathParam("id") long id, @QueryParam("state") List<String> states,
            @QueryParam("label") List<String> labels, @QueryParam("specialist") List<String> specialists,
            @QueryParam("sort") String sort, @QueryParam("page") Integer page, @QueryParam("size") Integer size,
            @Parameter(description = "keyset paging: trials numbered above this one (below, with sort=-number)")
            @QueryParam("after") String after) {
        Campaign.require(id);
        return trials.page(id, TrialQuery.of(states, labels, specialists, sort, page, size, after));
    }

    @GET
    @Path("/{number}")
    public TrialView byNumber(@PathParam("id") long id, @PathParam("number") int number) {
        return TrialView.of(trials.requireByNumber(id, number));
    }
}
