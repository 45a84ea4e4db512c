package dev.empiric.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Listing and opening campaigns, and reading a campaign's lineage view. */
final class CampaignCommands {

    private CampaignCommands() {}

    /** A number for a table cell: four significant decimals, or '-' when there is none. */
    static String number(JsonNode value) {
        return value == null || value.isNull() ? "-" : String.format("%.4f", value.asDouble());
    }

    static String text(JsonNode value) {
        return value == null || value.isNull() ? "-" : value.asText();
    }

    @Command(name = "campaigns", description = "List the campaigns: status, environment, best trial and score.")
    static final class Campaigns implements Callable<Integer> {

        private final Empiric empiric;

        Campaigns(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            JsonNode campaigns = empiric.client().get("/api/campaigns");
            if (empiric.json()) {
                empiric.print(campaigns);
                return 0;
            }
            empiric.out().printf("%-5s %-10s %-10s %-9s %-7s %-10s %s%n", "ID", "ENV", "STATUS", "BEST", "TRIALS", "SCORE", "NAME");
            for (JsonNode campaign : campaigns) {
                long trials = 0;
                for (JsonNode count : campaign.path("states")) {
                    trials += count.asLong();
                }
                empiric.out().printf("%-5s %-10s %-10s %-9s %-7d %-10s %s%n", campaign.path("id").asText(),
                        text(campaign.get("environment")), text(campaign.get("status")),
                        "#" + text(campaign.get("bestNumber")), trials, number(campaign.get("bestScore")),
                        text(campaign.get("name")));
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Open a campaign on an environment; its baseline (trial 0) is queued at once.")
    static final class Create implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "ENVIRONMENT", description = "an environment's name, for example digits")
        String environment;

        @Option(names = "--name", required = true, description = "the campaign's name")
        String name;

        @Option(names = "--settings", paramLabel = "JSON",
                description = "overrides of the environment's budgets, as JSON (docs/api.md), for example '{\"recipeSeconds\": 30}'")
        String settings;

        Create(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            ObjectNode body = Empiric.JSON.createObjectNode().put("environment", environment).put("name", name);
            if (settings != null) {
                try {
                    body.set("settings", Empiric.JSON.readTree(settings));
                } catch (IOException e) {
                    throw new Failure(Empiric.USAGE, "--settings is not JSON: " + e.getMessage());
                }
            }
            JsonNode campaign = empiric.client().post("/api/campaigns", body);
            if (empiric.json()) {
                empiric.print(campaign);
            } else {
                empiric.out().printf("campaign %s on %s: baseline queued%n", campaign.path("id").asText(), environment);
            }
            return 0;
        }
    }

    @Command(name = "lineage", description = "The lineage view a specialist is shown before it proposes (Markdown; JSON with --json).")
    static final class Lineage implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id")
        long campaign;

        @Option(names = "--specialist", paramLabel = "NAME", description = "whose view: its own failures are included")
        String specialist;

        Lineage(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            String path = "/api/campaigns/" + campaign + "/lineage"
                    + (specialist == null ? "" : "?specialist=" + URLEncoder.encode(specialist, StandardCharsets.UTF_8));
            if (empiric.json()) {
                empiric.print(empiric.client().get(path));
            } else {
                empiric.out().print(empiric.client().text(path, "text/markdown"));
            }
            return 0;
        }
    }
}
