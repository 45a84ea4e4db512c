package dev.empiric.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Per-campaign overrides of the environment's budgets, recorded with the campaign so that an audit
 * sees exactly which limits applied. Null means "as the environment says".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignSettings(Integer recipeSeconds, Integer scoringSeconds, Integer memoryMb,
        Integer baselineRepeats) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static CampaignSettings none() {
        return new CampaignSettings(null, null, null, null);
    }

    public static CampaignSettings fromJson(String json) {
        try {
            return JSON.readValue(json, CampaignSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable campaign settings: " + json, e);
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
