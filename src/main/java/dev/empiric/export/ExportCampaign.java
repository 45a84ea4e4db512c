package dev.empiric.export;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.empiric.environment.EnvironmentSpec.Goal;
import java.util.Objects;

/**
 * The campaign an export is of, as its signed checkpoint states it: what the records' scores
 * measure, in which direction, and the keep rule its labels must follow.
 *
 * @param environmentHash content hash of the environment (spec, recipe, scorer) the campaign ran on
 * @param metric the score's name (for example {@code val_bpb}); the paper's views use it as a column
 * @param keepRule the declared rule: KEEP iff improvement &gt; max(min_delta, z × noise floor); null
 *     when the labels were not decided by this server (imports)
 * @param importedFrom the format an imported campaign was read from, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExportCampaign(long id, String name, String environment, String environmentHash, String metric,
        Goal goal, KeepRule keepRule, String importedFrom) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeepRule(double minDelta, double z) {}

    public ExportCampaign {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(goal, "goal");
    }
}
