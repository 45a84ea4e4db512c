package dev.empiric.lineage;

import dev.empiric.Sha256;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What a proposer was shown, by content hash (a trial's {@code viewHash}): the exact text it read
 * before it proposed. Content-addressed, so the answer never changes and may be cached forever.
 */
@Path("/api/views/{hash}")
public class ProposerViewResource {

    @GET
    @Produces("text/markdown;charset=UTF-8")
    @Operation(summary = "The lineage view (Markdown) a runner's specialist was shown before it proposed, by the"
            + " trial's viewHash")
    public Response get(@PathParam("hash") String hash) {
        ProposerView view = Sha256.isHex(hash) ? ProposerView.findById(hash) : null;
        if (view == null) {
            throw new UnknownProposerView(hash);
        }
        return Response.ok(view.content).header("Cache-Control", "public, max-age=31536000, immutable").build();
    }
}
