package dev.empiric.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.empiric.Caller;
import dev.empiric.Json;
import dev.empiric.agent.MalformedAnswer;
import dev.empiric.agent.ProposerBrief;
import dev.empiric.agent.SearchReplace;
import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.lineage.LineageMarkdown;
import dev.empiric.lineage.LineageService;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.RecipeDiff;
import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialState;
import dev.empiric.trial.TrialSubmission;
import dev.empiric.trial.TrialView;
import dev.empiric.trial.Trials;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The tools an MCP client (a coding agent) gets: the paper's specialists' own tool set, over
 * Empiric's services. Reads are what REST serves; {@code submit_trial} goes through
 * {@link TrialService#submit} like every proposal, with the caller's token checked by {@link Caller}.
 * Trials are named by campaign and number, as the lineage view names them.
 */
@ApplicationScoped
public class McpTools {

    /** The longest {@code trial_status} waits in one call; an agent calls again for more. */
    static final int MAX_WAIT_SECONDS = 600;
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Set<Label> REFUSED_AT_SUBMISSION = Set.of(Label.ILLEGAL_EDIT, Label.INVALID_PATCH, Label.INFRA_ERROR);

    /** A tool's answer: text for the model, and whether it reports a failure the agent should react to. */
    record Result(String text, boolean error) {

        static Result ok(String text) {
            return new Result(text, false);
        }

        static Result failed(String text) {
            return new Result(text, true);
        }
    }

    /** A tool the server offers: its name, what it is for, its arguments' JSON Schema, and what it does. */
    record Tool(String name, String description, ObjectNode inputSchema, Function<JsonNode, Result> call) {}

    /** A tool call whose arguments are unusable: reported to the agent as a tool error. */
    static final class BadArguments extends RuntimeException {
        BadArguments(String message) {
            super(message);
        }
    }

    private final LineageService lineage;
    private final Trials trials;
    private final TrialService service;
    private final GitTrialStore store;
    private final EnvironmentCatalog catalog;
    private final Caller caller;
    private final List<Tool> tools;

    McpTools(LineageService lineage, Trials trials, TrialService service, GitTrialStore store, EnvironmentCatalog catalog,
            Caller caller) {
        this.lineage = lineage;
        this.trials = trials;
        this.service = service;
        this.store = store;
        this.catalog = catalog;
        this.caller = caller;
        this.tools = List.of(
                new Tool("environment_brief", "The task of a campaign: its environment, metric and goal, budgets,"
                        + " editable files, knobs by surface, the rules every edit is held to, and how to submit.",
                        schema(Map.of("campaign", CAMPAIGN, "specialist", SPECIALIST,
                                "surface", string("a surface of the environment to focus on (see the knobs by surface)")),
                                "campaign"), this::environmentBrief),
                new Tool("lineage_view", "What a specialist is shown before it proposes: the best trial, the"
                        + " leaderboard of keeps, the chain from the baseline to the best, the best's children,"
                        + " recent trials with their labels, and this specialist's own failures (Markdown).",
                        schema(Map.of("campaign", CAMPAIGN, "specialist", SPECIALIST), "campaign"), this::lineageView),
                new Tool("read_file", "A file of the recipe as committed by any trial (default: the best); without"
                        + " a path, the list of its files.",
                        schema(Map.of("campaign", CAMPAIGN, "trial", number("the trial's number (default: the best)"),
                                "path", string("the file's path in the recipe, for example train.py")), "campaign"),
                        this::readFile),
                new Tool("diff_trials", "The unified diff from one trial's recipe to another's, whatever their"
                        + " relation: what separates two branches of the lineage.",
                        schema(Map.of("campaign", CAMPAIGN, "from_trial", number("the trial number to diff from"),
                                "to_trial", number("the trial number to diff to")), "campaign", "from_trial", "to_trial"),
                        this::diffTrials),
                new Tool("submit_trial", "Propose a trial: a hypothesis and one edit of a parent trial's recipe"
                        + " (default: the best), as a unified diff or as SEARCH/REPLACE blocks (the file's path alone on"
                        + " the line before '<<<<<<< SEARCH', the exact current lines, '=======', the new lines,"
                        + " '>>>>>>> REPLACE'). The evaluator measures it; follow it with trial_status. Needs a token"
                        + " that may write to the campaign.",
                        schema(Map.of("campaign", CAMPAIGN, "hypothesis", string("what the edit changes and why it"
                                        + " should improve the metric"),
                                "diff", string("a unified diff as git diff writes it, paths relative to the recipe"),
                                "edits", string("SEARCH/REPLACE blocks, instead of a diff"),
                                "parent", number("the trial number the edit builds on (default: the best)"),
                                "specialist", string("who proposes it, for the lineage (default: external)"),
                                "expected_delta", Json.MAPPER.createObjectNode().put("type", "number")
                                        .put("description", "the change of the metric you expect"),
                                "idempotency_key", string("the same key returns the first trial instead of a new one")),
                                "campaign", "hypothesis"), this::submitTrial),
                new Tool("trial_status", "A trial's state, label, score and delta against the best; waits up to"
                        + " wait_seconds (at most " + MAX_WAIT_SECONDS + ") for it to finish.",
                        schema(Map.of("campaign", CAMPAIGN, "trial", number("the trial's number"),
                                "wait_seconds", number("how long to wait for the outcome (default 0)")),
                                "campaign", "trial"), this::trialStatus));
    }

    private static final ObjectNode CAMPAIGN = number("the campaign's id");
    private static final ObjectNode SPECIALIST = string("the specialist's name, as recorded on its trials (default: external)");

    List<Tool> all() {
        return tools;
    }

    private Result environmentBrief(JsonNode args) {
        long campaignId = campaign(args);
        String specialist = text(args, "specialist", "external");
        Campaign campaign = QuarkusTransaction.requiringNew().call(() -> Campaign.require(campaignId));
        EnvironmentSpec spec = catalog.find(campaign.environment).orElseThrow(() -> new BadArguments(
                "the environment '" + campaign.environment + "' of campaign " + campaignId + " is not available")).spec();
        Budgets budgets = Budgets.of(spec, campaign.parsedSettings());
        StringBuilder brief = new StringBuilder(ProposerBrief.of(specialist, spec, text(args, "surface", null),
                lineage.pinnedKnowledge(campaignId)));
        brief.append("\n## Budgets (enforced from outside the container)\n")
                .append("- recipe: ").append(budgets.recipe().seconds()).append(" s, ").append(budgets.recipe().memoryMb())
                .append(" MB, ").append(budgets.recipe().cpus()).append(" CPUs\n")
                .append("- scoring: ").append(budgets.scoring().seconds()).append(" s\n");
        if (budgets.artifactMaxBytes() != null) {
            brief.append("- artifact: at most ").append(budgets.artifactMaxBytes()).append(" bytes\n");
        }
        brief.append("\n## Knobs by surface\n");
        spec.surfaces().forEach((surface, knobs) -> {
            brief.append("- ").append(surface).append(": ");
            brief.append(String.join(", ", knobs.stream().map(Knob::name).toList())).append('\n');
        });
        brief.append("\n## How to work\n")
                .append("1. lineage_view (campaign ").append(campaignId).append(", specialist '").append(specialist)
                .append("'): what was tried and how it ended.\n")
                .append("2. read_file / diff_trials: the best recipe and what separates trials.\n")
                .append("3. submit_trial with a hypothesis and a diff or SEARCH/REPLACE blocks; only ")
                .append(spec.editable()).append(" may change.\n")
                .append("4. trial_status with wait_seconds: the label (KEEP, DISCARD, CRASH, RECIPE_TIMEOUT, ...)"
                        + " and score; react to failure labels in the next proposal.\n");
        return Result.ok(brief.toString());
    }

    private Result lineageView(JsonNode args) {
        String specialist = text(args, "specialist", null);
        if (specialist != null && !specialist.matches(Trial.SPECIALIST_NAME)) {
            throw new BadArguments("specialist must be 1-100 letters, digits or _.:-");
        }
        return Result.ok(LineageMarkdown.render(lineage.view(campaign(args), specialist, LineageService.Options.DEFAULT)));
    }

    private Result readFile(JsonNode args) {
        long campaignId = campaign(args);
        Trial trial = trial(campaignId, optionalNumber(args, "trial"));
        String path = text(args, "path", null);
        if (path == null) {
            return Result.ok(String.join("\n", store.files(campaignId, committed(trial)).keySet()));
        }
        String content = store.readFile(campaignId, committed(trial), path);
        return content == null ? Result.failed("trial " + trial.number + " has no file '" + path + "'") : Result.ok(content);
    }

    private Result diffTrials(JsonNode args) {
        long campaignId = campaign(args);
        Trial from = trial(campaignId, requiredNumber(args, "from_trial"));
        Trial to = trial(campaignId, requiredNumber(args, "to_trial"));
        String diff = RecipeDiff.between(store.files(campaignId, committed(from)), store.files(campaignId, committed(to)));
        return Result.ok(diff.isEmpty() ? "trials " + from.number + " and " + to.number + " have the same recipe" : diff);
    }

    private Result submitTrial(JsonNode args) {
        long campaignId = campaign(args);
        String actor = caller.actorFor(campaignId);
        String hypothesis = text(args, "hypothesis", null);
        String diff = text(args, "diff", null);
        String edits = text(args, "edits", null);
        if ((diff == null) == (edits == null)) {
            throw new BadArguments("give the edit as exactly one of 'diff' (a unified diff) or 'edits' (SEARCH/REPLACE blocks)");
        }
        Integer parent = optionalNumber(args, "parent");
        if (edits != null) {
            int base = parent != null ? parent
                    : QuarkusTransaction.requiringNew().call(() -> Campaign.require(campaignId).bestNumber);
            RecipeTree tree = lineage.tree(campaignId, base);
            try {
                diff = SearchReplace.apply(edits, tree).diffFrom(tree);
            } catch (MalformedAnswer e) {
                throw new BadArguments(e.getMessage());
            }
            if (diff.isEmpty()) {
                throw new BadArguments("the edits change nothing in trial " + base + "'s recipe");
            }
            parent = base;
        }
        JsonNode expected = args.get("expected_delta");
        TrialView trial = service.submit(campaignId, new TrialSubmission(hypothesis, diff, parent,
                text(args, "specialist", null), expected == null || !expected.isNumber() ? null : expected.asDouble()),
                text(args, "idempotency_key", null), actor).trial();
        String summary = "trial " + trial.number() + " of campaign " + campaignId + " (id " + trial.id() + ") is "
                + trial.state() + (trial.label() == null ? "" : " " + trial.label() + ": " + trial.labelReason());
        return new Result(summary + "\n\n" + Json.write(trial), trial.label() != null
                && REFUSED_AT_SUBMISSION.contains(trial.label()));
    }

    private Result trialStatus(JsonNode args) {
        long campaignId = campaign(args);
        int number = requiredNumber(args, "trial");
        Integer wait = optionalNumber(args, "wait_seconds");
        if (wait != null && (wait < 0 || wait > MAX_WAIT_SECONDS)) {
            throw new BadArguments("wait_seconds must be between 0 and " + MAX_WAIT_SECONDS);
        }
        Instant until = Instant.now().plusSeconds(wait == null ? 0 : wait);
        TrialView trial = view(campaignId, number);
        while (!settled(trial) && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            trial = view(campaignId, number);
        }
        String outcome = trial.label() == null ? trial.state().name()
                : trial.label() + (trial.score() == null ? "" : ", " + trial.score())
                        + (trial.deltaVsBest() == null ? "" : String.format(" (%+.4g against the best)", trial.deltaVsBest()))
                        + (trial.labelReason() == null ? "" : ": " + trial.labelReason());
        return Result.ok("trial " + number + ": " + outcome + (settled(trial) ? "" : " (not finished yet; call again)")
                + "\n\n" + Json.write(trial));
    }

    /** The trial as the database has it now: a fresh transaction, so a poll never sees a cached row. */
    private TrialView view(long campaignId, int number) {
        return QuarkusTransaction.requiringNew().call(() -> TrialView.of(trials.requireByNumber(campaignId, number)));
    }

    private static boolean settled(TrialView trial) {
        return trial.state() == TrialState.FINISHED || trial.state() == TrialState.CANCELLED;
    }

    private Trial trial(long campaignId, Integer number) {
        return QuarkusTransaction.requiringNew().call(() -> {
            int which = number != null ? number : Campaign.require(campaignId).bestNumber;
            return trials.requireByNumber(campaignId, which);
        });
    }

    private static String committed(Trial trial) {
        if (trial.commitId == null) {
            throw new BadArguments("trial " + trial.number + " was refused at submission and has no recipe");
        }
        return trial.commitId;
    }

    private static long campaign(JsonNode args) {
        return requiredNumber(args, "campaign");
    }

    private static int requiredNumber(JsonNode args, String name) {
        Integer value = optionalNumber(args, name);
        if (value == null) {
            throw new BadArguments("'" + name + "' is required");
        }
        return value;
    }

    private static Integer optionalNumber(JsonNode args, String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return value.asInt();
        }
        if (value.isTextual() && value.asText().strip().matches("-?\\d{1,9}")) {
            return Integer.valueOf(value.asText().strip());
        }
        throw new BadArguments("'" + name + "' must be a whole number, not " + value);
    }

    private static String text(JsonNode args, String name, String fallback) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new BadArguments("'" + name + "' must be a string");
        }
        return value.asText();
    }

    private static ObjectNode schema(Map<String, ObjectNode> properties, String... required) {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        properties.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(property -> props.set(property.getKey(), property.getValue()));
        ArrayNode names = schema.putArray("required");
        for (String name : required) {
            names.add(name);
        }
        return schema.put("additionalProperties", false);
    }

    private static ObjectNode string(String description) {
        return Json.MAPPER.createObjectNode().put("type", "string").put("description", description);
    }

    private static ObjectNode number(String description) {
        return Json.MAPPER.createObjectNode().put("type", "integer").put("description", description);
    }
}
