package dev.empiric.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.empiric.agent.CommandConfig;
import dev.empiric.agent.LlmConfig;
import dev.empiric.environment.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-campaign overrides of the environment's budgets, recorded with the campaign so that an audit
 * sees exactly which limits applied. Null means "as the environment says". {@code lineageView}
 * false switches the lineage feedback off for ablations (docs/lineage.md); null means on.
 * {@code llm} and {@code commands} configure the campaign's LLM and command specialists, which a runner
 * then names like built-in ones (docs/agents.md); {@code tokenBudget} caps the prompt plus completion
 * tokens all its LLM specialists may spend. They live here, not in a runner request, because they
 * belong to the campaign's record (every run and every restart sees the same ones) and hold no secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignSettings(Integer recipeSeconds, Integer scoringSeconds, Integer memoryMb,
        Integer baselineRepeats, Boolean lineageView, Long tokenBudget, List<LlmConfig> llm,
        List<CommandConfig> commands) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static CampaignSettings none() {
        return new CampaignSettings(null, null, null, null, null, null, null, null);
    }

    public static CampaignSettings fromJson(String json) {
        try {
            return JSON.readValue(json, CampaignSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable campaign settings: " + json, e);
        }
    }

    /** Whether proposers see the lineage beyond the task and the current best. */
    /*
     * The limits that apply to this campaign's trials: its override, else the environment's value.
     * The evaluator enforces them and the lineage view shows them, so both read them from here.
     */

    public int recipeSecondsFor(EnvironmentSpec spec) {
        return recipeSeconds != null ? recipeSeconds : spec.recipe().seconds();
    }

    public int scoringSecondsFor(EnvironmentSpec spec) {
        return scoringSeconds != null ? scoringSeconds : spec.scoring().seconds();
    }

    public int recipeMemoryMbFor(EnvironmentSpec spec) {
        return memoryMb != null ? memoryMb : spec.recipe().memoryMbOr(EnvironmentSpec.DEFAULT_MEMORY_MB);
    }

    public boolean lineageViewEnabled() {
        return lineageView == null || lineageView;
    }

    public List<LlmConfig> llmOrNone() {
        return llm == null ? List.of() : llm;
    }

    public List<CommandConfig> commandsOrNone() {
        return commands == null ? List.of() : commands;
    }

    /** What is wrong with the specialist configurations and the token budget. */
    public List<String> specialistProblems() {
        List<String> problems = new ArrayList<>();
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
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
