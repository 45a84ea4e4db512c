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
        int size, Integer after) {

    private static final Map<String, String> SORTABLE = Map.of("number", "number", "score", "score",
            "submitted", "submittedAt", "finished", "finishedAt", "recipeSeconds", "recipeSeconds");
    public static final int MAX_PAGE_SIZE = 500;

    public record TrialPage(List<TrialView> items, long total, int page, int size) {}

    /**
     * @param after keyset paging: only trials numbered above it (below it with {@code sort=-number});
     *     the next page starts after the last number of this one, at the same cost however deep
     */
    public static TrialQuery of(List<String> states, List<String> labels, List<String> specialists, String sort,
            Integer page, Integer size, String after) {
        int pageSize = size == null ? 50 : size;
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidTrialQuery("size must be between 1 and " + MAX_PAGE_SIZE);
        }
        if (page != null && page < 0) {
            throw new InvalidTrialQuery("page must be 0 or more");
        }
        String order = sort == null ? "number" : sort;
        Integer afterNumber = after == null || after.isBlank() ? null : number(after);
        if (afterNumber != null && (!order.replaceFirst("^-", "").equals("number") || (page != null && page != 0))) {
            throw new InvalidTrialQuery("after pages by trial number: use it with sort=number or sort=-number, without page");
        }
        return new TrialQuery(parse(states, TrialState.class, "state"), parse(labels, Label.class, "label"),
                specialists == null ? List.of() : specialists, order, page == null ? 0 : page, pageSize, afterNumber);
    }

    private static int number(String after) {
        try {
            return Integer.parseInt(after.strip());
        } catch (NumberFormatException e) {
            throw new InvalidTrialQuery("after must be a trial number, not '" + after + "'");
        }
    }

    public TrialPage run(long campaignId) {
        Parameters parameters = new Parameters();
        NumberPage numbers = numbers(where(campaignId, parameters).toString(), parameters);
        List<TrialView> items = read(campaignId, numbers.numbers()).stream().map(TrialView::of).toList();
        return new TrialPage(items, numbers.total(), page, size);
    }

    /** The numbers of one page of trials, in order, and how many trials match in all. */
    record NumberPage(List<Integer> numbers, long total) {}

    /** One trial's number: the narrow projection a page is chosen by. */
    record TrialNumber(int number) {}

    /**
     * The numbers of this page of the trials matching {@code where}, in this query's order. A page is
     * chosen by numbers alone and its rows are read after, by number: sorting and skipping never carry
     * wide columns, which keeps a deep page cheap, and avoids an H2 failure to read a text column of
     * a result it spilled to disk (seen as a 500 at page 200 of a 10,000-trial campaign under a 256 MB
     * heap).
     */
    NumberPage numbers(String where, Parameters parameters) {
        PanacheQuery<TrialNumber> matching = Trial.find(where, ordering(), parameters).project(TrialNumber.class);
        List<Integer> numbers = matching.page(Page.of(page, size)).list().stream().map(TrialNumber::number).toList();
        return new NumberPage(numbers, matching.count());
    }

    /** The campaign's trials with these numbers, whole, in this query's order. */
    List<Trial> read(long campaignId, List<Integer> numbers) {
        return numbers.isEmpty() ? List.of() : rows(campaignId, numbers).list();
    }

    /** The same, each row as a {@code projection}. */
    <T> List<T> read(long campaignId, List<Integer> numbers, Class<T> projection) {
        return numbers.isEmpty() ? List.of() : rows(campaignId, numbers).project(projection).list();
    }

    private PanacheQuery<Trial> rows(long campaignId, List<Integer> numbers) {
        Parameters parameters = Parameters.with("campaign", campaignId);
        for (int i = 0; i < numbers.size(); i++) {
            parameters.and("n" + i, numbers.get(i));
        }
        return Trial.find(Trials.numbers("", numbers.size()), ordering(), parameters);
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
        if (after != null) {
            where.append(descending() ? " and number < :after" : " and number > :after");
            parameters.and("after", after);
        }
        return where;
    }

    /** Whether the query filters nothing and sorts by trial number, so that the numbers alone give a page. */
    boolean onlyOrdersByNumber() {
        return states.isEmpty() && labels.isEmpty() && specialists.isEmpty() && after == null
                && sort.replaceFirst("^-", "").equals("number");
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
        if (column.equals("number")) {
            return inIndexOrder(direction);
        }
        // the number breaks ties; named twice, H2 fails to sort a result it spilled to disk
        return Sort.by(column, direction, Sort.NullPrecedence.NULLS_LAST).and("number");
    }

    /**
     * Number order, led by the columns the filters fix to one value, in the order of the index that
     * ends in the number ({@code (campaign_id, label, number)} and the like): H2 reads a page straight
     * from such an index only when the order names the index's columns from its first, and with no
     * null ordering of their own. The fixed columns do not change the order; PostgreSQL ignores them.
     */
    private Sort inIndexOrder(Sort.Direction direction) {
        Sort ordering = Sort.by("campaignId", direction);
        if (labels.size() == 1) {
            ordering = ordering.and("label", direction);
        } else if (specialists.size() == 1 && labels.isEmpty()) {
            ordering = ordering.and("specialist", direction);
        }
        return ordering.and("number", direction);
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

