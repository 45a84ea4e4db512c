package dev.empiric.access;

import static dev.empiric.campaign.EventLog.payload;

import dev.empiric.Caller.Identity;
import dev.empiric.DomainException.Kind;
import dev.empiric.NotAuthenticated;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Issuing, listing, revoking and checking API tokens. A campaign token is limited to its campaign;
 * the admin token ({@link AdminToken}) to nothing. Every check reads the token's row, so a revoked
 * token stops working with the next request, on every server that shares the database.
 */
@ApplicationScoped
public class ApiTokens {

    /** Letters, digits, '.', '_' and '-': a name that reads well in the audit trail and cannot pose as {@code runner:3}. */
    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,59}";
    /** Names the platform records as actors itself. */
    private static final Set<String> RESERVED = Set.of(TokenSecrets.ADMIN, "server", "runner", "api");
    /** Compared against when a presented token names no row, so that an unknown id costs the same as a wrong secret. */
    private static final String NO_ROW = TokenSecrets.hash("no such token");

    private final AdminToken admin;
    private final EventLog events;

    ApiTokens(AdminToken admin, EventLog events) {
        this.admin = admin;
        this.events = events;
    }

    /** A request for a campaign token: its name for the audit trail, and an optional expiry. */
    public record CreateToken(String name, Instant expiresAt) {}

    @Transactional
    public IssuedToken create(long campaignId, CreateToken request, String actor) {
        Campaign.require(campaignId);
        if (request == null || request.name() == null || !request.name().matches(NAME)) {
            throw new InvalidTokenRequest(Kind.INVALID, "'name' is required: 1-60 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        if (RESERVED.contains(request.name())) {
            throw new InvalidTokenRequest(Kind.INVALID, "'" + request.name() + "' is a name the platform records"
                    + " itself; choose another");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw new InvalidTokenRequest(Kind.INVALID, "'expiresAt' must be in the future, not " + request.expiresAt());
        }
        if (ApiToken.count("campaignId = ?1 and name = ?2", campaignId, request.name()) > 0) {
            throw new InvalidTokenRequest(Kind.CONFLICT, "campaign " + campaignId + " already has a token named '"
                    + request.name() + "' (names stay taken after revocation, so the audit trail is unambiguous)");
        }
        String secret = TokenSecrets.newSecret();
        ApiToken token = new ApiToken();
        token.campaignId = campaignId;
        token.name = request.name();
        token.tokenHash = TokenSecrets.hash(secret);
        token.createdAt = now;
        token.createdBy = actor;
        token.expiresAt = request.expiresAt();
        token.persistAndFlush();
        events.append(campaignId, EventType.TOKEN_CREATED, null, actor, payload("tokenId", token.id,
                "name", token.name, "expiresAt", token.expiresAt == null ? null : token.expiresAt.toString()));
        return new IssuedToken(token.id, campaignId, token.name, token.createdAt, token.expiresAt,
                TokenSecrets.token(Long.toString(token.id), secret));
    }

    @Transactional
    public List<TokenView> list(long campaignId) {
        Campaign.require(campaignId);
        Instant now = Instant.now();
        return ApiToken.<ApiToken>list("campaignId = ?1 order by id", campaignId).stream()
                .map(token -> TokenView.of(token, now)).toList();
    }

    /** Revokes a token of the campaign; revoking it again changes nothing. */
    @Transactional
    public TokenView revoke(long campaignId, long tokenId, String actor) {
        Campaign.require(campaignId);
        ApiToken token = ApiToken.findById(tokenId);
        if (token == null || token.campaignId != campaignId) {
            throw new InvalidTokenRequest(Kind.NOT_FOUND, "campaign " + campaignId + " has no token " + tokenId);
        }
        if (token.revokedAt == null) {
            token.revokedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            token.revokedBy = actor;
            events.append(campaignId, EventType.TOKEN_REVOKED, null, actor, payload("tokenId", token.id,
                    "name", token.name));
        }
        return TokenView.of(token, Instant.now());
    }

    /** Who a presented token belongs to; {@link NotAuthenticated} when it is malformed, unknown, wrong, expired or revoked. */
    @Transactional
    public Identity identify(String presentedToken) {
        TokenSecrets.Presented presented = TokenSecrets.parse(presentedToken).orElseThrow(() -> new NotAuthenticated(
                "the bearer token is not an Empiric API token (they read emp_<admin or number>_<43 characters>)"));
        if (presented.admin()) {
            if (!admin.matches(presented.secret())) {
                throw invalid();
            }
            return new Identity(TokenSecrets.ADMIN, null);
        }
        ApiToken token = ApiToken.findById(presented.tokenId());
        boolean matches = TokenSecrets.matches(presented.secret(), token == null ? NO_ROW : token.tokenHash);
        if (token == null || !matches) {
            throw invalid();
        }
        if (token.revokedAt != null) {
            throw new NotAuthenticated("the token '" + token.name + "' was revoked at " + token.revokedAt);
        }
        if (token.expired(Instant.now())) {
            throw new NotAuthenticated("the token '" + token.name + "' expired at " + token.expiresAt);
        }
        return new Identity(token.name, token.campaignId);
    }

    private static NotAuthenticated invalid() {
        return new NotAuthenticated("the bearer token is not valid: unknown, or its secret is wrong");
    }
}
