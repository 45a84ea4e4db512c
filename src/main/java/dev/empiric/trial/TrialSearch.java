package dev.empiric.trial;

import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import java.util.List;
import java.util.Locale;

/**
 * The trials table's query: the list filters of {@link TrialQuery} (state, label, specialist, sort,
 * page) plus what a person looking for a trial needs on top: words in the hypothesis, a score range
 * and a parent. Returns narrow {@link TrialRow}s, never whole trials.
 *
 * @param text case-insensitive substring of the hypothesis; null for any
 * @param minScore lowest score, inclusive (trials without a score drop out); null for no bound
 * @param maxScore highest score, inclusive; null for no bound
 * @param parent only the direct children of this trial number; null for any
 */
public record TrialSearch(TrialQuery filters, String text, Double minScore, Double maxScore, Integer parent) {

    public static final int MAX_TEXT_CHARS = 200;

    public record RowPage(List<TrialRow> items, long total, int page, int size) {}

    public TrialSearch {
        if (text != null && text.length() > MAX_TEXT_CHARS) {
            throw new InvalidTrialQuery("q is longer than " + MAX_TEXT_CHARS + " characters");
        }
        if (minScore != null && maxScore != null && minScore > maxScore) {
            throw new InvalidTrialQuery("minScore " + minScore + " is above maxScore " + maxScore);
        }
        text = text == null || text.isBlank() ? null : text.strip();
    }

    RowPage run(long campaignId) {
        Parameters parameters = new Parameters();
        StringBuilder where = filters.where(campaignId, parameters);
        if (text != null) {
            where.append(" and lower(hypothesis) like :text escape '!'");
            parameters.and("text", "%" + likeLiteral(text.toLowerCase(Locale.ROOT)) + "%");
        }
        if (minScore != null) {
            where.append(" and score >= :minScore");
            parameters.and("minScore", minScore);
        }
        if (maxScore != null) {
            where.append(" and score <= :maxScore");
            parameters.and("maxScore", maxScore);
        }
        if (parent != null) {
            where.append(" and parentNumber = :parent");
            parameters.and("parent", parent);
        }
        PanacheQuery<TrialRow> query = Trial.find(where.toString(), filters.ordering(), parameters)
                .project(TrialRow.class);
        List<TrialRow> items = query.page(Page.of(filters.page(), filters.size())).list();
        return new RowPage(items, query.count(), filters.page(), filters.size());
    }

    /** The text with LIKE's wildcards taken literally ('!' is the escape character). */
    private static String likeLiteral(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
