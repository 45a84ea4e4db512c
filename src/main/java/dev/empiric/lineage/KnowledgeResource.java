package dev.empiric.lineage;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The campaign's knowledge over REST: what its LLM and command specialists find pinned in their
 * briefs (the environment's notes, the analyst's notes), followed by the research tree. Markdown only:
 * it is written to be read, by a researcher or pasted into an external agent's prompt.
 */
@Path("/api/campaigns/{id}/knowledge")
public class KnowledgeResource {

    private final LineageService lineage;

    KnowledgeResource(LineageService lineage) {
        this.lineage = lineage;
    }

    @GET
    @Produces(LineageMarkdown.MEDIA_TYPE + ";charset=UTF-8")
    @Operation(summary = "The campaign's knowledge as Markdown: the environment's notes, the analyst's notes on the"
            + " outcomes so far (every 10 finished trials) and the research tree (chain to the best, recent activity)")
    public String knowledge(@PathParam("id") long id) {
        return lineage.knowledge(id);
    }
}
