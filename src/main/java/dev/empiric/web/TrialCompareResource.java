package dev.empiric.web;

import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.RecipeDiff;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The code that separates any two trials: a unified diff between their commits, whatever their relation. */
@Path("/api/trials/{id}/compare/{other}")
public class TrialCompareResource {

    private final TrialService trials;
    private final GitTrialStore store;

    TrialCompareResource(TrialService trials, GitTrialStore store) {
        this.trials = trials;
        this.store = store;
    }

    @GET
    @Path("/diff")
    @Produces("text/x-diff")
    @Operation(summary = "Unified diff from trial {id}'s recipe to trial {other}'s, computed between their commits"
            + " (any two trials, even of different campaigns); empty when the recipes are equal")
    public String diff(@PathParam("id") long id, @PathParam("other") long other) {
        return RecipeDiff.between(recipe(trials.find(id)), recipe(trials.find(other)));
    }

    private Map<String, byte[]> recipe(Trial trial) {
        if (trial.commitId == null) {
            throw ApiException.conflict("trial " + trial.id + " was " + trial.label + " and has no commit to compare");
        }
        return store.files(trial.campaignId, trial.commitId);
    }
}
