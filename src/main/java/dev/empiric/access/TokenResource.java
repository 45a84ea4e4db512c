package dev.empiric.access;

import dev.empiric.Caller;
import dev.empiric.access.ApiTokens.CreateToken;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A campaign's API tokens, managed by the admin: issue one (its text is shown only here), list, revoke. */
@Path("/api/campaigns/{id}/tokens")
public class TokenResource {

    private final ApiTokens tokens;
    private final Caller caller;

    TokenResource(ApiTokens tokens, Caller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Issue a token that may write only to this campaign; the response is the only time its"
            + " text is shown")
    public Response create(@PathParam("id") long id, CreateToken request, @Context UriInfo uri) {
        IssuedToken issued = tokens.create(id, request, caller.adminActor());
        return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(issued.id())).build())
                .header("Cache-Control", "no-store").entity(issued).build();
    }

    @GET
    @Operation(summary = "The campaign's tokens, without their secrets (admin token only)")
    public List<TokenView> list(@PathParam("id") long id) {
        caller.adminActor();
        return tokens.list(id);
    }

    @DELETE
    @Path("/{tokenId}")
    @Operation(summary = "Revoke a token: its next request is refused")
    public TokenView revoke(@PathParam("id") long id, @PathParam("tokenId") long tokenId) {
        return tokens.revoke(id, tokenId, caller.adminActor());
    }
}
