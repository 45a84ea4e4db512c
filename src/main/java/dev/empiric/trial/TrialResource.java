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
import java.util.List;

@Path("/api/trials/{id}")
public class TrialResource {

    private static final int MAX_LOG_BYTES = 1024 * 1024;

    private final TrialService trials;
    private final TrialLogs logs;
    private final Sandbox sandbox;
    private final GitTrialStore store;

    TrialResource(TrialService trials, TrialLogs logs, Sandbox sandbox, GitTrialStore store) {
        this.trials = trials;
        this.logs = logs;
        this.sandbox = sandbox;
        this.store = store;
    }

    private static String committed(Trial trial) {
        if (trial.commitId == null) {
            throw ApiException.conflict("trial " + trial.id + " was " + trial.label + " and has no commit");
        }
        return trial.commitId;
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

    /** Paths of the files in the trial's commit: what an agent edits to build on this trial. */
    @GET
    @Path("/files")
    public List<String> files(@PathParam("id") long id) {
        Trial trial = trials.find(id);
        return List.copyOf(store.files(trial.campaignId, committed(trial)).keySet());
    }

    /** One file of the trial's commit, as the recipe container saw it. */
    @GET
    @Path("/files/{path: .+}")
    @Produces(MediaType.TEXT_PLAIN)
    public String file(@PathParam("id") long id, @PathParam("path") String path) {
        Trial trial = trials.find(id);
        String content = store.readFile(trial.campaignId, committed(trial), path);
        if (content == null) {
            throw ApiException.notFound("trial " + id + " has no file '" + path + "'");
        }
        return content;
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
