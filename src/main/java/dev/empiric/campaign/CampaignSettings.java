package dev.empiric.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.empiric.Json;
import dev.empiric.environment.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-campaign overrides of the environment's budgets, recorded with the campaign so that an audit
 * sees exactly which limits applied (null means "as the environment says"; {@link Budgets} resolves
 * them). {@code lineageView} false switches the lineage feedback off for ablations (docs/lineage.md).
 * {@code llm} and {@code commands} configure the campaign's LLM and command specialists, which a
 * runner then names like built-in ones (docs/agents.md); {@code tokenBudget} caps the prompt plus
 * completion tokens all its LLM specialists may spend. They live here, not in a runner request,
 * because they belong to the campaign's record (every run and every restart sees the same ones) and
 * hold no secret. {@code confirmSeedSets} overrides the environment's {@code keep.confirm_seed_sets}
 * (0 switches confirmation off).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignSettings(Integer recipeSeconds, Integer scoringSeconds, Integer memoryMb,
        Integer baselineRepeats, Boolean lineageView, Long tokenBudget, List<LlmConfig> llm,
        List<CommandConfig> commands, Integer confirmSeedSets) {

    public static CampaignSettings none() {
        return new CampaignSettings(null, null, null, null, null, null, null, null, null);
    }

    public static CampaignSettings fromJson(String json) {
        return Json.read(json, CampaignSettings.class);
    }

    /** Whether proposers see the measured lineage beyond the task and the current best. */
    public boolean lineageViewEnabled() {
        return lineageView == null || lineageView;
    }

    public List<LlmConfig> llmOrNone() {
        return llm == null ? List.of() : llm;
    }

    public List<CommandConfig> commandsOrNone() {
        return commands == null ? List.of() : commands;
    }

    /** Every problem of these settings, each naming its key; empty when they are usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        positive(recipeSeconds, "settings.recipeSeconds", problems);
        positive(scoringSeconds, "settings.scoringSeconds", problems);
        positive(memoryMb, "settings.memoryMb", problems);
        positive(baselineRepeats, "settings.baselineRepeats", problems);
        if (confirmSeedSets != null) {
            String problem = EnvironmentSpec.Keep.confirmSeedSetsProblem("settings.confirmSeedSets", confirmSeedSets);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (tokenBudget != null && tokenBudget < 1) {
            problems.add("settings.tokenBudget must be positive");
        }
        for (int i = 0; i < llmOrNone().size(); i++) {
            problems.addAll(llmOrNone().get(i).problems("settings.llm[" + i + "]"));
        }
        for (int i = 0; i < commandsOrNone().size(); i++) {
            problems.addAll(commandsOrNone().get(i).problems("settings.commands[" + i + "]"));
        }
        return problems;
    }

    public String toJson() {
        return Json.write(this);
    }

    private static void positive(Integer value, String name, List<String> problems) {
        if (value != null && value <= 0) {
            problems.add(name + " must be positive");
        }
    }
}
