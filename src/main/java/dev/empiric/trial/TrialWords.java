package dev.empiric.trial;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The word index behind the trials table's text search. A hypothesis is cut into words (letters,
 * digits and underscores, with '.' and '-' kept between them, so {@code 0.15}, {@code 1e-3} and
 * {@code WEIGHT_DECAY} stay whole), each also indexed by its parts ({@code weight}, {@code decay});
 * a search word matches every indexed word it begins. Searching is then a range scan of an index,
 * whatever the campaign's size, where {@code like '%text%'} reads every hypothesis. Words are written
 * with the trial, in its transaction; trials stored before the index existed are indexed at the first
 * start that finds them, once (recorded in {@code store_task}).
 */
@ApplicationScoped
public class TrialWords {

    private static final Logger LOG = Logger.getLogger(TrialWords.class);
    static final int MAX_WORD = 40;
    static final int MAX_WORDS_PER_TRIAL = 200;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+(?:[.\\-][\\p{L}\\p{N}_]+)*");
    private static final Pattern PART = Pattern.compile("[._\\-]+");
    private static final int BACKFILL_BATCH = 500;
    private static final String BACKFILL_TASK = "trial-words-backfill";

    private final EntityManager em;

    TrialWords(EntityManager em) {
        this.em = em;
    }

    /** The distinct words a hypothesis is indexed under, lower-case, in order of appearance. */
    public static List<String> indexed(String text) {
        Set<String> words = new LinkedHashSet<>();
        for (String word : words(text)) {
            words.add(word);
            for (String part : PART.split(word)) {
                if (!part.isEmpty()) {
                    words.add(cut(part));
                }
            }
            if (words.size() >= MAX_WORDS_PER_TRIAL) {
                break;
            }
        }
        return new ArrayList<>(words).subList(0, Math.min(words.size(), MAX_WORDS_PER_TRIAL));
    }

    /** The words of a search text, lower-case; each must begin a word of a matching hypothesis. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            String word = cut(matcher.group());
            if (!words.contains(word)) {
                words.add(word);
            }
        }
        return words;
    }

    private static String cut(String word) {
        return word.length() <= MAX_WORD ? word : word.substring(0, MAX_WORD);
    }

    /** Indexes a trial just persisted, in the caller's transaction. */
    void index(Trial trial) {
        index(trial.id, trial.campaignId, trial.number, trial.hypothesis);
    }

    private void index(long trialId, long campaignId, int number, String hypothesis) {
        for (String word : indexed(hypothesis)) {
            TrialWord row = new TrialWord();
            row.trialId = trialId;
            row.word = word;
            row.campaignId = campaignId;
            row.number = number;
            em.persist(row);
        }
    }

    /** The numbers of the campaign's trials whose hypotheses have a word beginning with each of {@code words}. */
    Set<Integer> matching(long campaignId, List<String> words) {
        Set<Integer> matching = null;
        for (String word : words) {
            List<Integer> numbers = em.createNamedQuery(TrialWord.NUMBERS, Integer.class)
                    .setParameter("campaign", campaignId).setParameter("prefix", prefix(word)).getResultList();
            if (matching == null) {
                matching = new HashSet<>(numbers);
            } else {
                matching.retainAll(new HashSet<>(numbers));
            }
            if (matching.isEmpty()) {
                break;
            }
        }
        return matching == null ? Set.of() : matching;
    }

    /** A LIKE pattern for words beginning with {@code word} (its wildcards taken literally; '!' escapes). */
    static String prefix(String word) {
        return word.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    void onStart(@Observes StartupEvent event) {
        Thread.ofPlatform().name("empiric-trial-words").daemon().start(this::backfillOnce);
    }

    /**
     * The backfill, unless a start before this one finished it: since the index exists every trial is
     * indexed as it is written, so once the older trials are done, there is nothing left to look for.
     * It runs on a thread of its own at start, so a store that is not answering yet ends it with one
     * warning, and the next start tries again.
     */
    void backfillOnce() {
        try {
            if (backfilled()) {
                return;
            }
            backfill();
        } catch (RuntimeException e) {
            LOG.warnf("indexing hypotheses for search failed (%s); search may miss older trials until the next start",
                    e.getMessage());
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "insert into store_task (name, finished_at) values (?1, ?2)")
                    .setParameter(1, BACKFILL_TASK).setParameter(2, Instant.now()).executeUpdate());
        } catch (RuntimeException anotherServerRecordedIt) {
            LOG.debugf("the backfill was recorded by another server: %s", anotherServerRecordedIt.getMessage());
        }
    }

    boolean backfilled() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from store_task where name = ?1").setParameter(1, BACKFILL_TASK).getSingleResult())
                .longValue() > 0);
    }

    /** Indexes, batch by batch, the trials that have no words yet (those stored before the index existed). */
    void backfill() {
        int indexed = 0;
        long after = 0;
        while (true) {
            long from = after;
            List<Object[]> batch = QuarkusTransaction.requiringNew().call(() -> {
                List<Object[]> trials = em.createNamedQuery(Trial.WITHOUT_WORDS, Object[].class)
                        .setParameter("after", from).setMaxResults(BACKFILL_BATCH).getResultList();
                trials.forEach(row -> index((Long) row[0], (Long) row[1], (Integer) row[2], (String) row[3]));
                return trials;
            });
            if (batch.isEmpty()) {
                break;
            }
            indexed += batch.size();
            after = (Long) batch.getLast()[0];
        }
        if (indexed > 0) {
            LOG.infof("indexed the hypotheses of %d trials for search", indexed);
        }
    }
}
