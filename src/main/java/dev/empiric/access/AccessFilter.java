package dev.empiric.access;

import dev.empiric.Caller;
import dev.empiric.Caller.Identity;
import dev.empiric.CampaignWrite;
import dev.empiric.ChangesNothing;
import dev.empiric.EmpiricConfig;
import dev.empiric.EmpiricConfig.ReadAccess;
import dev.empiric.NotAllowed;
import dev.empiric.NotAuthenticated;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.BlockingOperationControl;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The gate in front of every endpoint. Rules, in order:
 *
 * <ol>
 *   <li>A request that writes (any method but GET, HEAD and OPTIONS, unless the endpoint is marked
 *       {@link ChangesNothing}) needs a valid token, and so does every read under {@code /api} and
 *       {@code /mcp} when {@code empiric.auth.read=token}. Missing, malformed, unknown, expired or
 *       revoked: 401 with {@code WWW-Authenticate: Bearer}.</li>
 *   <li>A token that is sent is checked even where none is needed, so a broken one is noticed.</li>
 *   <li>A campaign token writes only through endpoints marked {@link CampaignWrite}; anywhere else
 *       it is refused (403) before the endpoint runs. New endpoints are therefore admin-only until
 *       they say otherwise.</li>
 *   <li>A {@link CampaignWrite} endpoint names the campaign its request touches to
 *       {@link Caller#actorFor(long)}, which refuses another campaign's token (403).</li>
 * </ol>
 *
 * Checking a token reads the database; on an I/O thread (a streaming endpoint) that happens on a
 * worker thread, so the event loop never blocks.
 */
public class AccessFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** Where {@code empiric.auth.read=token} asks for a token: the API and the MCP endpoint (not health or OpenAPI). */
    private static final List<String> GUARDED_READS = List.of("api", "mcp");
    private static final String BEARER = "bearer ";

    private final ApiTokens tokens;
    private final Caller caller;
    private final ReadAccess readAccess;

    AccessFilter(ApiTokens tokens, Caller caller, EmpiricConfig config) {
        this.tokens = tokens;
        this.caller = caller;
        this.readAccess = config.auth().read();
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> check(ContainerRequestContext request, ResourceInfo resource) {
        Method endpoint = resource.getResourceMethod();
        boolean writes = !READS.contains(request.getMethod()) && !endpoint.isAnnotationPresent(ChangesNothing.class);
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            if (writes || (readAccess == ReadAccess.TOKEN && guardedRead(request.getUriInfo().getPath()))) {
                throw NotAuthenticated.missing();
            }
            return Uni.createFrom().nullItem();
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new NotAuthenticated("the Authorization header must read 'Bearer <token>'");
        }
        String token = header.substring(BEARER.length()).strip();
        boolean campaignTokensAllowed = !writes || endpoint.isAnnotationPresent(CampaignWrite.class);
        // The request's own Caller instance, resolved here where the request context is active.
        Caller requestCaller = ClientProxy.unwrap(caller);
        if (BlockingOperationControl.isBlockingAllowed()) {
            authenticate(token, campaignTokensAllowed, requestCaller);
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().<Response>item(() -> {
            authenticate(token, campaignTokensAllowed, requestCaller);
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private void authenticate(String token, boolean campaignTokensAllowed, Caller requestCaller) {
        Identity who = tokens.identify(token);
        if (!who.admin() && !campaignTokensAllowed) {
            throw NotAllowed.adminOnly(who);
        }
        requestCaller.authenticated(who);
    }

    private static boolean guardedRead(String path) {
        String first = path.replaceFirst("^/+", "").split("/", 2)[0];
        return GUARDED_READS.contains(first);
    }
}
