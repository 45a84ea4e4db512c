package dev.empiric.trial;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Filters (any of several states, labels or specialists), sort and paging over one campaign's
 * trials. Parent numbers are columns of every row, so trees survive any filter or sort.
 */
public record TrialQuery(List<TrialState> states, List<Label> labels, List<String> specialists, String sort, int page,
        int size) {

    private static final Map<String, String> SORTABLE = Map.of("number", "number", "score", "score",
            "submitted", "submittedAt", "finished", "finishedAt", "recipeSeconds", "recipeSeconds");
    public static final int MAX_PAGE_SIZE = 500;

    public record TrialPage(List<TrialView> items, long total, int page, int size) {}

    public static TrialQuery of(List<String> states, List<String> labels, List<String> specialists, String sort,
            Integer page, Integer size) {
        int pageSize = size == null ? 50 : size;
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidTrialQuery("size must be between 1 and " + MAX_PAGE_SIZE);
        }
        if (page != null && page < 0) {
            throw new InvalidTrialQuery("page must be 0 or more");
        }
        return new TrialQuery(parse(states, TrialState.class, "state"), parse(labels, Label.class, "label"),
                specialists == null ? List.of() : specialists, sort == null ? "number" : sort,
                page == null ? 0 : page, pageSize);
    }

    public TrialPage run(long campaignId) {
        Parameters parameters = new Parameters();
        PanacheQuery<Trial> query = Trial.find(where(campaignId, parameters).toString(), ordering(), parameters);
        List<TrialView> items = query.page(Page.of(page, size)).list().stream().map(TrialView::of).toList();
        return new TrialPage(items, query.count(), page, size);
    }

    /** The filters as a where clause over one campaign, their values added to {@code parameters}. */
    StringBuilder where(long campaignId, Parameters parameters) {
        StringBuilder where = new StringBuilder("campaignId = :campaign");
        parameters.and("campaign", campaignId);
        if (!states.isEmpty()) {
            where.append(" and state in :states");
            parameters.and("states", states);
        }
        if (!labels.isEmpty()) {
            where.append(" and label in :labels");
            parameters.and("labels", labels);
        }
        if (!specialists.isEmpty()) {
            where.append(" and specialist in :specialists");
            parameters.and("specialists", specialists);
        }
        return where;
    }

    /** Whether the query filters nothing and sorts by trial number, so that the numbers alone give a page. */
    boolean onlyOrdersByNumber() {
        return states.isEmpty() && labels.isEmpty() && specialists.isEmpty() && sort.replaceFirst("^-", "").equals("number");
    }

    boolean descending() {
        return sort.startsWith("-");
    }

    Sort ordering() {
        boolean descending = sort.startsWith("-");
        String key = descending ? sort.substring(1) : sort;
        String column = SORTABLE.get(key);
        if (column == null) {
            throw new InvalidTrialQuery("sort must be one of " + SORTABLE.keySet() + ", optionally prefixed by '-'");
        }
        Sort.Direction direction = descending ? Sort.Direction.Descending : Sort.Direction.Ascending;
        return Sort.by(column, direction, Sort.NullPrecedence.NULLS_LAST).and("number");
    }

    private static <E extends Enum<E>> List<E> parse(List<String> values, Class<E> type, String name) {
        List<E> parsed = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : values) {
            for (String part : value.split(",")) {
                try {
                    parsed.add(Enum.valueOf(type, part.strip().toUpperCase()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidTrialQuery("unknown " + name + " '" + part + "'; known: "
                            + List.of(type.getEnumConstants()));
                }
            }
        }
        return parsed;
    }
}

