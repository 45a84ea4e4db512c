package dev.empiric.trial;

import dev.empiric.Caller;
import dev.empiric.CampaignWrite;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** One trial over REST: everything recorded about it, its diff, log and files, and cancelling it. */
@Path("/api/trials/{id}")
public class TrialResource {

    private static final int MAX_LOG_BYTES = 1024 * 1024;

    private final TrialService service;
    private final Trials trials;
    private final TrialLogs logs;
    private final GitTrialStore store;
    private final Caller caller;

    TrialResource(TrialService service, Trials trials, TrialLogs logs, GitTrialStore store, Caller caller) {
        this.service = service;
        this.trials = trials;
        this.logs = logs;
        this.store = store;
        this.caller = caller;
    }

    @GET
    public TrialView get(@PathParam("id") long id) {
        return TrialView.of(trials.require(id));
    }

    /** The diff exactly as it was submitted. */
    @GET
    @Path("/diff")
    @Produces("text/x-diff")
    public String diff(@PathParam("id") long id) {
        return trials.require(id).diff;
    }

    /** The last {@code bytes} of the trial's container output, all attempts and seeds. */
    @GET
    @Path("/log")
    @Produces(MediaType.TEXT_PLAIN)
    public String log(@PathParam("id") long id, @QueryParam("bytes") @DefaultValue("65536") int bytes) {
        if (bytes < 1 || bytes > MAX_LOG_BYTES) {
            throw new InvalidTrialQuery("bytes must be between 1 and " + MAX_LOG_BYTES);
        }
        Trial trial = trials.require(id);
        return logs.tail(trial.campaignId, trial.number, bytes);
    }

    /** Paths of the files in the trial's commit: what an agent edits to build on this trial. */
    @GET
    @Path("/files")
    public List<String> files(@PathParam("id") long id) {
        Trial trial = trials.require(id);
        return List.copyOf(store.files(trial.campaignId, committed(trial)).keySet());
    }

    /** One file of the trial's commit, as the recipe container saw it. */
    @GET
    @Path("/files/{path: .+}")
    @Produces(MediaType.TEXT_PLAIN)
    public String file(@PathParam("id") long id, @PathParam("path") String path) {
        Trial trial = trials.require(id);
        String content = store.readFile(trial.campaignId, committed(trial), path);
        if (content == null) {
            throw new UnknownTrial("trial " + id + " has no file '" + path + "'");
        }
        return content;
    }

    /** The code that separates any two trials: a diff between their commits, whatever their relation. */
    @GET
    @Path("/compare/{other}/diff")
    @Produces("text/x-diff")
    @Operation(summary = "Unified diff from trial {id}'s recipe to trial {other}'s, computed between their commits"
            + " (any two trials, even of different campaigns); empty when the recipes are equal")
    public String compare(@PathParam("id") long id, @PathParam("other") long other) {
        Trial from = trials.require(id);
        Trial to = trials.require(other);
        return RecipeDiff.between(store.files(from.campaignId, committed(from)), store.files(to.campaignId, committed(to)));
    }

    @POST
    @CampaignWrite
    @Path("/cancel")
    @Operation(summary = "Cancel a queued or running trial; a running one's containers are killed")
    public TrialView cancel(@PathParam("id") long id) {
        // The campaign this request touches is the trial's.
        return service.cancel(id, caller.actorFor(trials.require(id).campaignId));
    }

    private static String committed(Trial trial) {
        if (trial.commitId == null) {
            throw new TrialHasNoCommit(trial);
        }
        return trial.commitId;
    }
}
