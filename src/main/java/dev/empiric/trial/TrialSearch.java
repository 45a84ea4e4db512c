package dev.empiric.trial;

import io.quarkus.panache.common.Parameters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The trials table's query: the list filters of {@link TrialQuery} (state, label, specialist, sort,
 * page) plus what a person looking for a trial needs on top: words in the hypothesis, a score range
 * and a parent. Returns narrow {@link TrialRow}s, never whole trials.
 *
 * @param text words the hypothesis must contain, each as the beginning of one of its words
 *     ({@link TrialWords}), case-insensitive; null for any
 * @param minScore lowest score, inclusive (trials without a score drop out); null for no bound
 * @param maxScore highest score, inclusive; null for no bound
 * @param parent only the direct children of this trial number; null for any
 */
public record TrialSearch(TrialQuery filters, String text, Double minScore, Double maxScore, Integer parent) {

    public static final int MAX_TEXT_CHARS = 200;
    public static final int MAX_TEXT_WORDS = 8;

    public record RowPage(List<TrialRow> items, long total, int page, int size) {}

    public TrialSearch {
        if (text != null && text.length() > MAX_TEXT_CHARS) {
            throw new InvalidTrialQuery("q is longer than " + MAX_TEXT_CHARS + " characters");
        }
        if (minScore != null && maxScore != null && minScore > maxScore) {
            throw new InvalidTrialQuery("minScore " + minScore + " is above maxScore " + maxScore);
        }
        text = text == null || text.isBlank() ? null : text.strip();
        if (text != null && TrialWords.words(text).isEmpty()) {
            throw new InvalidTrialQuery("q has no words to search for (letters or digits)");
        }
        if (text != null && TrialWords.words(text).size() > MAX_TEXT_WORDS) {
            throw new InvalidTrialQuery("q may hold at most " + MAX_TEXT_WORDS + " words");
        }
    }

    /**
     * Runs the search. Words alone, in number order (the table's default), are answered from the word
     * index only: the matching numbers are intersected, counted and sliced, and only the page's rows
     * are read. With other filters or another order, the words become a condition on the index and the
     * database reads the matching trials' rows, as many as match (not as many as the campaign holds).
     */
    RowPage run(long campaignId, TrialWords index) {
        if (text != null && filters.onlyOrdersByNumber() && minScore == null && maxScore == null && parent == null) {
            return byNumbers(campaignId, index.matching(campaignId, TrialWords.words(text)));
        }
        Parameters parameters = new Parameters();
        StringBuilder where = filters.where(campaignId, parameters);
        if (text != null) {
            List<String> words = TrialWords.words(text);
            for (int i = 0; i < words.size(); i++) {
                where.append(" and number in (select w.number from TrialWord w where w.campaignId = :campaign")
                        .append(" and w.word like :w").append(i).append(" escape '!')");
                parameters.and("w" + i, TrialWords.prefix(words.get(i)));
            }
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
        TrialQuery.NumberPage numbers = filters.numbers(where.toString(), parameters);
        return new RowPage(filters.read(campaignId, numbers.numbers(), TrialRow.class), numbers.total(), filters.page(),
                filters.size());
    }

    private RowPage byNumbers(long campaignId, Set<Integer> matching) {
        List<Integer> numbers = new ArrayList<>(matching);
        numbers.sort(filters.descending() ? Comparator.reverseOrder() : Comparator.naturalOrder());
        int from = (int) Math.min((long) filters.page() * filters.size(), numbers.size());
        List<Integer> page = numbers.subList(from, Math.min(from + filters.size(), numbers.size()));
        return new RowPage(filters.read(campaignId, page, TrialRow.class), numbers.size(), filters.page(), filters.size());
    }
}
