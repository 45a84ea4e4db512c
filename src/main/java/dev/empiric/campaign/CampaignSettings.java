package dev.empiric.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Per-campaign overrides of the environment's budgets, recorded with the campaign so that an audit
 * sees exactly which limits applied. Null means "as the environment says". {@code lineageView}
 * false switches the lineage feedback off for ablations (docs/lineage.md); null means on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignSettings(Integer recipeSeconds, Integer scoringSeconds, Integer memoryMb,
        Integer baselineRepeats, Boolean lineageView) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static CampaignSettings none() {
        return new CampaignSettings(null, null, null, null, null);
    }

    public static CampaignSettings fromJson(String json) {
        try {
            return JSON.readValue(json, CampaignSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable campaign settings: " + json, e);
        }
    }

    /** Whether proposers see the lineage beyond the task and the current best. */
    public boolean lineageViewEnabled() {
        return lineageView == null || lineageView;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
