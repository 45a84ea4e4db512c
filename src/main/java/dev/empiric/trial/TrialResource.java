package dev.empiric.trial;

import dev.empiric.evaluator.Sandbox;
import dev.empiric.evaluator.TrialLogs;
import dev.empiric.web.ApiException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/trials/{id}")
public class TrialResource {

    private static final int MAX_LOG_BYTES = 1024 * 1024;

    private final TrialService trials;
    private final TrialLogs logs;
    private final Sandbox sandbox;

    TrialResource(TrialService trials, TrialLogs logs, Sandbox sandbox) {
        this.trials = trials;
        this.logs = logs;
        this.sandbox = sandbox;
    }

    @GET
    public TrialView get(@PathParam("id") long id) {
        return TrialView.of(trials.find(id));
    }

    /** The diff exactly as it was submitted. */
    @GET
    @Path("/diff")
    @Produces("text/x-diff")
    public String diff(@PathParam("id") long id) {
        return trials.find(id).diff;
    }

    /** The last {@code bytes} of the trial's container output, all attempts and seeds. */
    @GET
    @Path("/log")
    @Produces(MediaType.TEXT_PLAIN)
    public String log(@PathParam("id") long id, @QueryParam("bytes") @DefaultValue("65536") int bytes) {
        if (bytes < 1 || bytes > MAX_LOG_BYTES) {
            throw ApiException.badRequest("bytes must be between 1 and " + MAX_LOG_BYTES);
        }
        Trial trial = trials.find(id);
        return logs.tail(trial.campaignId, trial.number, bytes);
    }

    @POST
    @Path("/cancel")
    public TrialView cancel(@PathParam("id") long id) {
        if (trials.cancel(id)) {
            sandbox.killTrial(id);
        }
        return TrialView.of(trials.find(id));
    }
}
