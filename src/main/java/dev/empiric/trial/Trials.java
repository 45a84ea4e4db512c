package dev.empiric.trial;

import dev.empiric.campaign.Campaign;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hibernate.Timeouts;
import org.hibernate.jpa.AvailableHints;

/**
 * The one way to read trials. Each query is named on {@link Trial}, except those whose shape depends
 * on the request (a list of numbers, the filters of a page: {@link #numbers}, {@link TrialQuery},
 * {@link TrialSearch}); callers in other packages ask for what they need (a page, the skeletons of a
 * campaign, the claimable trials) and never write a query of their own, so the access paths, and the
 * indexes they need, are all visible in this package.
 */
@ApplicationScoped
public class Trials {

    /** How many trials of a campaign are in each state and carry each label. */
    public record Counts(Map<TrialState, Long> states, Map<Label, Long> labels) {}

    private static final int AGGREGATED_CAMPAIGNS = 1024;
    private static final int SKELETON_CAMPAIGNS = 16;

    /** How many of one specialist's trials are in one state with one label (null while unfinished). */
    public record SpecialistCount(String specialist, TrialState state, Label label, long count) {}

    /**
     * The campaign's confirmation runs: how many trials ran at least one round, and the evaluator
     * seconds they took beyond the trials' own runs.
     */
    public record ConfirmationTotals(long trials, double seconds) {}

    private final EntityManager em;
    private final TrialWords words;
    // Why: the campaigns page and the dashboards aggregate every campaign's trials (at 100 campaigns of
    // 10,000 trials, 4.4 s on H2 per campaigns page); a campaign that is not changing now costs a lookup.
    private final PerEventCache<Counts> counts = new PerEventCache<>(AGGREGATED_CAMPAIGNS);
    private final PerEventCache<ConfirmationTotals> confirmations = new PerEventCache<>(AGGREGATED_CAMPAIGNS);
    private final PerEventCache<List<SpecialistCount>> outcomes = new PerEventCache<>(AGGREGATED_CAMPAIGNS);
    // A campaign's skeletons are about 100 bytes a trial: remember the few campaigns being looked at.
    private final PerEventCache<List<TrialSkeleton>> skeletons = new PerEventCache<>(SKELETON_CAMPAIGNS);

    Trials(EntityManager em, TrialWords words) {
        this.em = em;
        this.words = words;
    }

    public Trial require(long id) {
        return Trial.<Trial>findByIdOptional(id).orElseThrow(() -> new UnknownTrial("no trial with id " + id));
    }

    /** The trial under its row lock, for changes; or {@link UnknownTrial}. */
    public Trial lock(long id) {
        Trial trial = Trial.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (trial == null) {
            throw new UnknownTrial("no trial with id " + id);
        }
        return trial;
    }

    public Optional<Trial> byNumber(long campaignId, int number) {
        return em.createNamedQuery(Trial.BY_NUMBER, Trial.class).setParameter("campaign", campaignId)
                .setParameter("number", number).getResultStream().findFirst();
    }

    public Trial requireByNumber(long campaignId, int number) {
        return byNumber(campaignId, number)
                .orElseThrow(() -> new UnknownTrial("campaign " + campaignId + " has no trial " + number));
    }

    public List<Trial> byNumbers(long campaignId, Collection<Integer> numbers) {
        if (numbers.isEmpty()) {
            return List.of();
        }
        return numbered(em.createQuery("from Trial t where " + numbers("t", numbers.size()), Trial.class), campaignId,
                numbers).getResultList();
    }

    public Optional<Trial> byIdempotencyKey(long campaignId, String key) {
        return em.createNamedQuery(Trial.BY_IDEMPOTENCY_KEY, Trial.class).setParameter("campaign", campaignId)
                .setParameter("key", key).getResultStream().findFirst();
    }

    /**
     * Queued trials that may run now, oldest first: past their retry back-off, and either a baseline
     * or in a campaign whose baseline is measured (other trials can only be judged against it). Their
     * rows come back locked for this transaction, and rows another transaction holds are skipped
     * ({@code FOR UPDATE SKIP LOCKED}): servers sharing a store each get different trials and never
     * wait on each other's claims. Where the database cannot skip locked rows, the lock waits instead,
     * which is as correct and only slower.
     */
    public List<Trial> lockClaimable(Instant now, int limit) {
        return em.createNamedQuery(Trial.CLAIMABLE, Trial.class).setParameter("now", now).setMaxResults(limit)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint(AvailableHints.HINT_SPEC_LOCK_TIMEOUT, Timeouts.SKIP_LOCKED_MILLI)
                .getResultList();
    }

    /** Trial ids (with their campaign ids) a server left RUNNING; rows from before leases count as anyone's. */
    public List<Object[]> runningLeasedBy(String owner) {
        return em.createNamedQuery(Trial.RUNNING_LEASED_BY, Object[].class).setParameter("owner", owner)
                .getResultList();
    }

    /** Trial ids (with their campaign ids) RUNNING under a lease that ran out before {@code now}. */
    public List<Object[]> leaseExpired(Instant now) {
        return em.createNamedQuery(Trial.LEASE_EXPIRED, Object[].class).setParameter("now", now).getResultList();
    }

    /** Every RUNNING trial whose lease runs until {@code now} or later, with the server holding it. */
    public Set<TrialLease> liveLeases(Instant now) {
        Set<TrialLease> leases = new HashSet<>();
        em.createNamedQuery(Trial.LIVE_LEASES, Object[].class).setParameter("now", now).getResultList().forEach(
                row -> leases.add(new TrialLease((String) row[0], (Long) row[1], (Integer) row[2])));
        return leases;
    }

    /** Of these trials, the ones still RUNNING under {@code owner}'s lease, with the attempt each is at. */
    public Map<Long, Integer> leasedTo(String owner, Collection<Long> ids) {
        Map<Long, Integer> attempts = new HashMap<>();
        if (!ids.isEmpty()) {
            em.createNamedQuery(Trial.LEASED_TO, Object[].class).setParameter("owner", owner).setParameter("ids", ids)
                    .getResultList().forEach(row -> attempts.put((Long) row[0], (Integer) row[1]));
        }
        return attempts;
    }

    /**
     * Moves the end of {@code owner}'s leases on these trials to {@code until}. A bulk update that
     * leaves the row version alone: a renewal never makes the worker's own outcome look stale.
     */
    public int extendLeases(String owner, Collection<Long> ids, Instant until) {
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createNamedQuery(Trial.EXTEND_LEASES).setParameter("owner", owner).setParameter("ids", ids)
                .setParameter("until", until).executeUpdate();
    }

    /** How many trials of the campaign wait in the queue. */
    public long queued(long campaignId) {
        return em.createNamedQuery(Trial.QUEUED_IN_CAMPAIGN, Long.class).setParameter("campaign", campaignId)
                .getSingleResult();
    }

    public List<Trial> ofCampaignInState(long campaignId, TrialState state) {
        return em.createNamedQuery(Trial.OF_CAMPAIGN_IN_STATE, Trial.class).setParameter("campaign", campaignId)
                .setParameter("state", state).getResultList();
    }

    /** The campaign's trials by state and label, remembered until its next event. */
    public Counts counts(Campaign campaign) {
        return counts.get(campaign, () -> counts(campaign.id));
    }

    private Counts counts(long campaignId) {
        Map<TrialState, Long> states = new EnumMap<>(TrialState.class);
        Map<Label, Long> labels = new EnumMap<>(Label.class);
        for (Object[] row : em.createNamedQuery(Trial.COUNTS, Object[].class).setParameter("campaign", campaignId)
                .getResultList()) {
            states.merge((TrialState) row[0], (Long) row[2], Long::sum);
            if (row[1] != null) {
                labels.merge((Label) row[1], (Long) row[2], Long::sum);
            }
        }
        return new Counts(Collections.unmodifiableMap(states), Collections.unmodifiableMap(labels));
    }

    /** The campaign's confirmation rounds in total, remembered until its next event. */
    public ConfirmationTotals confirmationTotals(Campaign campaign) {
        return confirmations.get(campaign, () -> confirmationTotals(campaign.id));
    }

    private ConfirmationTotals confirmationTotals(long campaignId) {
        Object[] row = em.createNamedQuery(Trial.CONFIRMATION_TOTALS, Object[].class).setParameter("campaign", campaignId)
                .getSingleResult();
        return new ConfirmationTotals(((Number) row[0]).longValue(), ((Number) row[1]).doubleValue());
    }

    /** Every trial of the campaign, narrow columns only, in number order. */
    public List<TrialSkeleton> skeletons(long campaignId) {
        return em.createNamedQuery(Trial.SKELETONS, TrialSkeleton.class).setParameter("campaign", campaignId)
                .getResultList();
    }

    /**
     * Every trial of the campaign (remembered until its next event), for what is shown: the lineage
     * view. Decisions (the keep rule, the bandit) read {@link #skeletons(long)}, afresh.
     */
    public List<TrialSkeleton> shownSkeletons(Campaign campaign) {
        return skeletons.get(campaign, () -> List.copyOf(skeletons(campaign.id)));
    }

    /** The campaign's trials by these specialists submitted since {@code since}, in number order. */
    public List<TrialSkeleton> skeletonsSince(long campaignId, Collection<String> specialists, Instant since) {
        return em.createNamedQuery(Trial.SKELETONS_SINCE, TrialSkeleton.class).setParameter("campaign", campaignId)
                .setParameter("specialists", specialists).setParameter("since", since).getResultList();
    }

    /** Whether exactly this diff text was already submitted on this parent (by anyone, however it ended). */
    public boolean diffSubmittedOn(long campaignId, int parent, String diff) {
        return em.createNamedQuery(Trial.DIFFS_ON_PARENT, String.class).setParameter("campaign", campaignId)
                .setParameter("parent", parent).getResultStream().anyMatch(diff::equals);
    }

    /** Every trial of the campaign as a node of its tree, in number order. */
    public List<TrialNode> nodes(long campaignId) {
        return em.createNamedQuery(Trial.NODES, TrialNode.class).setParameter("campaign", campaignId).getResultList();
    }

    /** These trials of the campaign as tree nodes, in number order; numbers that do not exist are left out. */
    public List<TrialNode> nodes(long campaignId, Collection<Integer> numbers) {
        if (numbers.isEmpty()) {
            return List.of();
        }
        return numbered(em.createQuery("select new dev.empiric.trial.TrialNode(t.number, t.parentNumber, t.specialist,"
                + " t.state, t.label, t.score, t.deltaVsBest) from Trial t where " + numbers("t", numbers.size())
                + " order by t.number", TrialNode.class), campaignId, numbers).getResultList();
    }

    /** The first {@code chars} characters of these trials' hypotheses, by number. */
    public Map<Integer, String> heads(long campaignId, Collection<Integer> numbers, int chars) {
        Map<Integer, String> heads = new TreeMap<>();
        if (numbers.isEmpty()) {
            return heads;
        }
        numbered(em.createQuery("select t.number, substring(t.hypothesis, 1, :chars) from Trial t where "
                + numbers("t", numbers.size()), Object[].class), campaignId, numbers).setParameter("chars", chars)
                .getResultList().forEach(row -> heads.put((Integer) row[0], (String) row[1]));
        return heads;
    }

    /**
     * A condition that names trials of one campaign by number, as pairs: {@code (t.campaignId, t.number) in
     * ((:campaign, :n0), ...)}. Both databases look each pair up in the (campaign, number) index, where
     * {@code campaignId = :campaign and number in :list} makes H2 read the whole campaign.
     */
    static String numbers(String alias, int count) {
        String prefix = alias.isEmpty() ? "" : alias + ".";
        StringBuilder condition = new StringBuilder("(" + prefix + "campaignId, " + prefix + "number) in (");
        for (int i = 0; i < count; i++) {
            condition.append(i == 0 ? "" : ", ").append("(:campaign, :n").append(i).append(')');
        }
        return condition.append(')').toString();
    }

    private static <T> TypedQuery<T> numbered(TypedQuery<T> query, long campaignId, Collection<Integer> numbers) {
        query.setParameter("campaign", campaignId);
        int i = 0;
        for (Integer number : numbers) {
            query.setParameter("n" + i++, number);
        }
        return query;
    }

    /** The campaign's trials by specialist, state and label, remembered until its next event. */
    public List<SpecialistCount> outcomesBySpecialist(Campaign campaign) {
        return outcomes.get(campaign, () -> outcomesBySpecialist(campaign.id));
    }

    private List<SpecialistCount> outcomesBySpecialist(long campaignId) {
        return em.createNamedQuery(Trial.OUTCOMES_BY_SPECIALIST, Object[].class).setParameter("campaign", campaignId)
                .getResultList().stream()
                .map(row -> new SpecialistCount((String) row[0], (TrialState) row[1], (Label) row[2], (Long) row[3]))
                .toList();
    }

    /** Queued and running trials of the campaign: running ones first, then in the order they will run. */
    public List<Trial> inFlight(long campaignId, int limit) {
        return em.createNamedQuery(Trial.IN_FLIGHT, Trial.class).setParameter("campaign", campaignId)
                .setMaxResults(limit).getResultList();
    }

    /** One page of the trials table: narrow rows under the search's filters and sort. */
    public TrialSearch.RowPage search(long campaignId, TrialSearch search) {
        return search.run(campaignId, words);
    }

    /**
     * Every column of the campaign's trials numbered above {@code after}, in number order, at most
     * {@code limit}: keyset pages for readers of a whole campaign, each page detached (a projection,
     * never managed entities), so reading 10,000 trials holds one page at a time.
     */
    public List<TrialColumns> rowsAfter(long campaignId, int after, int limit) {
        return em.createNamedQuery(Trial.ROWS_AFTER, TrialColumns.class).setParameter("campaign", campaignId)
                .setParameter("after", after).setMaxResults(limit).getResultList();
    }

    /** The score of every kept trial (the baseline and each KEEP) by number: the incumbents trials were judged against. */
    public Map<Integer, Double> keptScores(long campaignId) {
        Map<Integer, Double> scores = new HashMap<>();
        for (Object[] row : em.createNamedQuery(Trial.KEPT_SCORES, Object[].class).setParameter("campaign", campaignId)
                .getResultList()) {
            scores.put((Integer) row[0], (Double) row[1]);
        }
        return scores;
    }

    /** The distinct hashes of what the campaign's proposers were shown, above {@code after} in hash order (keyset pages). */
    public List<String> viewHashesAfter(long campaignId, String after, int limit) {
        return em.createNamedQuery(Trial.VIEW_HASHES_AFTER, String.class).setParameter("campaign", campaignId)
                .setParameter("after", after).setMaxResults(limit).getResultList();
    }

    /** One page of a campaign's trials under the query's filters and sort. */
    public TrialQuery.TrialPage page(long campaignId, TrialQuery query) {
        return query.run(campaignId);
    }
}
