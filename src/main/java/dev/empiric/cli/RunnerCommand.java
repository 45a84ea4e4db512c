package dev.empiric.cli;

import static dev.empiric.cli.CampaignCommands.number;
import static dev.empiric.cli.CampaignCommands.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The campaign's autonomous runner: start it with a budget, stop it, see how it is doing. */
@Command(name = "runner", description = "Start, stop or inspect a campaign's autonomous runner.")
final class RunnerCommand {

    private final Empiric empiric;

    RunnerCommand(Empiric empiric) {
        this.empiric = empiric;
    }

    @Command(name = "start", description = "Start the runner: specialists propose trials until a budget is spent.")
    int start(@Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id") long campaign,
            @Option(names = "--max-trials", required = true, paramLabel = "N", description = "trials it may propose") int maxTrials,
            @Option(names = "--max-trials-without-keep", paramLabel = "N", description = "stop after N finished trials without a keep") Integer withoutKeep,
            @Option(names = "--deadline", paramLabel = "ISO-8601", description = "stop proposing at this time, for example 2026-11-29T08:00:00Z") String deadline,
            @Option(names = "--specialists", split = ",", paramLabel = "NAME", description = "which specialists (default: all of the campaign's)") List<String> specialists,
            @Option(names = "--concurrency", paramLabel = "N", description = "its trials queued or running at once (default 1)") Integer concurrency) {
        ObjectNode body = Empiric.JSON.createObjectNode().put("maxTrials", maxTrials);
        if (withoutKeep != null) {
            body.put("maxTrialsWithoutKeep", withoutKeep);
        }
        if (deadline != null) {
            body.put("deadline", deadline);
        }
        if (specialists != null) {
            body.set("specialists", Empiric.JSON.valueToTree(specialists));
        }
        if (concurrency != null) {
            body.put("concurrency", concurrency);
        }
        return show(empiric.client().post(path(campaign), body));
    }

    @Command(name = "stop", description = "Stop the runner; trials already queued or running still finish.")
    int stop(@Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id") long campaign) {
        return show(empiric.client().delete(path(campaign)));
    }

    @Command(name = "status", description = "The latest run: state, why it ended, trials, keeps, each specialist's yield.")
    int status(@Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id") long campaign) {
        return show(empiric.client().get(path(campaign)));
    }

    private static String path(long campaign) {
        return "/api/campaigns/" + campaign + "/runner";
    }

    private int show(JsonNode runner) {
        if (empiric.json()) {
            empiric.print(runner);
            return 0;
        }
        empiric.out().printf("runner %s: %s%s; %s trials (%s in flight), %s keeps; best #%s %s%n",
                text(runner.get("id")), text(runner.get("state")),
                runner.hasNonNull("endedBecause") ? " (" + runner.get("endedBecause").asText() + ")" : "",
                text(runner.get("trials")), text(runner.get("inFlight")), text(runner.get("keeps")),
                text(runner.get("bestNumber")), number(runner.get("bestScore")));
        return 0;
    }
}
