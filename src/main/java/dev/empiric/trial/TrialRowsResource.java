package dev.empiric.trial;

import dev.empiric.campaign.Campaign;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The trials table: pages of narrow rows with the list filters of {@code /trials} plus hypothesis
 * words, a score range and a parent. Without diffs, metrics or notes, so a page costs the same at
 * a hundred trials as at a hundred thousand.
 */
@Path("/api/campaigns/{id}/trial-rows")
public class TrialRowsResource {

    private final Trials trials;

    TrialRowsResource(Trials trials) {
        this.trials = trials;
    }

    @GET
    @Operation(summary = "Search a campaign's trials: state, label, specialist (repeatable or comma-separated),"
            + " words in the hypothesis, score range, parent; sorted and paged like /trials")
    public TrialSearch.RowPage rows(@PathParam("id") long id, @QueryParam("state") List<String> states,
            @QueryParam("label") List<String> labels, @QueryParam("specialist") List<String> specialists,
            @Parameter(description = "words the hypothesis contains (case-insensitive)") @QueryParam("q") String text,
            @Parameter(description = "lowest score, inclusive") @QueryParam("minScore") String minScore,
            @Parameter(description = "highest score, inclusive") @QueryParam("maxScore") String maxScore,
            @Parameter(description = "only direct children of this trial number") @QueryParam("parent") String parent,
            @QueryParam("sort") String sort, @QueryParam("page") Integer page, @QueryParam("size") Integer size,
            @Parameter(description = "keyset paging: trials numbered above this one (below, with sort=-number)")
            @QueryParam("after") String after) {
        Campaign.require(id);
        return trials.search(id, new TrialSearch(TrialQuery.of(states, labels, specialists, sort, page, size, after), text,
                number(minScore, "minScore"), number(maxScore, "maxScore"), trialNumber(parent)));
    }

    /* Parsed here rather than by JAX-RS, which answers an unparsable query parameter with a bare 404. */
    private static Double number(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double parsed = Double.parseDouble(value.strip());
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidTrialQuery(name + " must be a number, not '" + value + "'");
    }

    private static Integer trialNumber(String value) {
        Double parsed = number(value, "parent");
        if (parsed != null && (parsed < 0 || parsed != Math.rint(parsed))) {
            throw new InvalidTrialQuery("parent must be a trial number (0 or more), not '" + value + "'");
        }
        return parsed == null ? null : parsed.intValue();
    }
}
