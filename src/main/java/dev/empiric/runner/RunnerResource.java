package dev.empiric.runner;

import dev.empiric.Caller;
import dev.empiric.CampaignWrite;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/campaigns/{id}/runner")
public class RunnerResource {

    private final CampaignRunner runner;
    private final Caller caller;

    RunnerResource(CampaignRunner runner, Caller caller) {
        this.runner = runner;
        this.caller = caller;
    }

    @POST
    @CampaignWrite
    @Operation(summary = "Start the autonomous loop: specialists propose trials until a budget is spent")
    public Response start(@PathParam("id") long id, RunnerRequest request) {
        return Response.status(Response.Status.CREATED).entity(runner.start(id, request, caller.actorFor(id))).build();
    }

    @DELETE
    @CampaignWrite
    @Operation(summary = "Stop the runner; trials already in flight still finish")
    public RunnerView stop(@PathParam("id") long id) {
        return runner.stop(id, caller.actorFor(id));
    }

    @GET
    @Operation(summary = "The runner's state, why it ended, trials, keeps and each specialist's yield")
    public RunnerView get(@PathParam("id") long id) {
        return runner.view(id);
    }
}
