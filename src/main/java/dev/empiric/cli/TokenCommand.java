package dev.empiric.cli;

import static dev.empiric.cli.CampaignCommands.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A campaign's API tokens (admin token needed): issue one for an agent, list them, revoke one. */
@Command(name = "token", description = "Issue, list or revoke a campaign's API tokens (needs the admin token).")
final class TokenCommand {

    private final Empiric empiric;

    TokenCommand(Empiric empiric) {
        this.empiric = empiric;
    }

    @Command(name = "create", description = "Issue a token that may write only to this campaign. Prints the token"
            + " alone (it is shown only this once), so that EMPIRIC_TOKEN=$(empiric token create ...) works.")
    int create(@Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id") long campaign,
            @Option(names = "--name", required = true, description = "the name its writes are recorded under") String name,
            @Option(names = "--expires", paramLabel = "ISO-8601", description = "when it stops working, for example 2026-12-01T00:00:00Z") Instant expires,
            @Option(names = "--days", paramLabel = "N", description = "stop working N days from now") Integer days) {
        ObjectNode body = Empiric.JSON.createObjectNode().put("name", name);
        if (expires != null && days != null) {
            throw new Failure(Empiric.USAGE, "give --expires or --days, not both");
        }
        Instant until = days != null ? Instant.now().plus(days, ChronoUnit.DAYS) : expires;
        if (until != null) {
            body.put("expiresAt", until.toString());
        }
        JsonNode issued = empiric.client().post("/api/campaigns/" + campaign + "/tokens", body);
        if (empiric.json()) {
            empiric.print(issued);
        } else {
            empiric.out().println(issued.path("token").asText());
            empiric.err().printf("token %s '%s' for campaign %d%s: shown only now; keep it secret%n",
                    issued.path("id").asText(), name, campaign,
                    issued.hasNonNull("expiresAt") ? ", expires " + issued.get("expiresAt").asText() : "");
        }
        return 0;
    }

    @Command(name = "list", description = "The campaign's tokens, without their secrets.")
    int list(@Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id") long campaign) {
        JsonNode tokens = empiric.client().get("/api/campaigns/" + campaign + "/tokens");
        if (empiric.json()) {
            empiric.print(tokens);
            return 0;
        }
        empiric.out().printf("%-6s %-8s %-24s %-24s %s%n", "ID", "STATE", "EXPIRES", "CREATED", "NAME");
        for (JsonNode token : tokens) {
            empiric.out().printf("%-6s %-8s %-24s %-24s %s%n", token.path("id").asText(), text(token.get("state")),
                    text(token.get("expiresAt")), text(token.get("createdAt")), text(token.get("name")));
        }
        return 0;
    }

    @Command(name = "revoke", description = "Revoke a token: its next request is refused.")
    int revoke(@Parameters(index = "0", paramLabel = "CAMPAIGN", description = "the campaign's id") long campaign,
            @Parameters(index = "1", paramLabel = "TOKEN_ID", description = "the token's id (from 'token list')") long tokenId) {
        JsonNode token = empiric.client().delete("/api/campaigns/" + campaign + "/tokens/" + tokenId);
        if (empiric.json()) {
            empiric.print(token);
        } else {
            empiric.out().printf("token %d '%s' is %s%n", tokenId, text(token.get("name")), text(token.get("state")));
        }
        return 0;
    }
}
