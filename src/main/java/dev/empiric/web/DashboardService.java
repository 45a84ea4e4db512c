package dev.empiric.web;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignRun;
import dev.empiric.campaign.CampaignService;
import dev.empiric.campaign.CampaignService.CampaignView;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.RunnerView;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what the web UI shows about campaigns and that the resource API does not return in one call:
 * summaries with runners, a dashboard's aggregates, the whole tree. Read-only, and built on the
 * services' public views so that the UI and the API can never disagree about a campaign.
 */
@ApplicationScoped
public class DashboardService {

    private static final List<TrialState> IN_FLIGHT = List.of(TrialState.QUEUED, TrialState.RUNNING);

    private final CampaignService campaigns;
    private final EnvironmentCatalog catalog;

    DashboardService(CampaignService campaigns, EnvironmentCatalog catalog) {
        this.campaigns = campaigns;
        this.catalog = catalog;
    }

    @Transactional
    public List<CampaignSummary> summaries() {
        Map<Long, Instant> activity = new HashMap<>();
        em().createQuery("select t.campaignId, max(t.submittedAt), max(t.startedAt), max(t.finishedAt) from Trial t"
                + " group by t.campaignId", Object[].class).getResultList()
                .forEach(row -> activity.put((Long) row[0], latest((Instant) row[1], (Instant) row[2], (Instant) row[3])));
        return Campaign.<Campaign>listAll().stream()
                .sorted((a, b) -> Long.compare(b.id, a.id))
                .map(campaign -> new CampaignSummary(campaigns.view(campaign), runner(campaign),
                        latest(campaign.createdAt, activity.get(campaign.id))))
                .toList();
    }

    @Transactional
    public CampaignDashboard dashboard(long campaignId) {
        Campaign campaign = campaigns.find(campaignId);
        CampaignView view = campaigns.view(campaign);
        EntityManager em = em();

        Map<String, Map<Label, Long>> labels = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        em.createQuery("select t.specialist, t.state, t.label, count(t) from Trial t where t.campaignId = :campaign"
                        + " group by t.specialist, t.state, t.label", Object[].class)
                .setParameter("campaign", campaignId).getResultList().forEach(row -> {
                    String specialist = (String) row[0];
                    long count = (Long) row[3];
                    long[] total = counts.computeIfAbsent(specialist, s -> new long[2]);
                    total[0] += count;
                    if (IN_FLIGHT.contains((TrialState) row[1])) {
                        total[1] += count;
                    }
                    if (row[2] != null) {
                        labels.computeIfAbsent(specialist, s -> new EnumMap<>(Label.class))
                                .merge((Label) row[2], count, Long::sum);
                    }
                });
        List<CampaignDashboard.SpecialistOutcomes> specialists = counts.entrySet().stream()
                .map(e -> new CampaignDashboard.SpecialistOutcomes(e.getKey(), e.getValue()[0], e.getValue()[1],
                        labels.getOrDefault(e.getKey(), Map.of())))
                .toList();

        List<CampaignDashboard.QueuedTrial> queue = em.createQuery("""
                        select t.id, t.number, t.specialist, t.state, t.hypothesis, t.submittedAt, t.startedAt, t.attempts
                        from Trial t where t.campaignId = :campaign and t.state in :states
                        order by case when t.state = :running then 0 else 1 end, t.id""", Object[].class)
                .setParameter("campaign", campaignId).setParameter("states", IN_FLIGHT)
                .setParameter("running", TrialState.RUNNING).setMaxResults(CampaignDashboard.QUEUE_LIMIT)
                .getResultList().stream()
                .map(row -> new CampaignDashboard.QueuedTrial((Long) row[0], (Integer) row[1], (String) row[2],
                        (TrialState) row[3], cut((String) row[4], CampaignTree.HYPOTHESIS_CHARS), (Instant) row[5],
                        (Instant) row[6], (Integer) row[7]))
                .toList();
        long queueTotal = specialists.stream().mapToLong(CampaignDashboard.SpecialistOutcomes::inFlight).sum();

        CampaignDashboard.LastProposal last = em.createQuery("""
                        select t.number, t.specialist, t.submittedAt, t.proposedFrom from Trial t
                        where t.campaignId = :campaign and t.number > 0 order by t.number desc""", Object[].class)
                .setParameter("campaign", campaignId).setMaxResults(1).getResultStream()
                .map(row -> new CampaignDashboard.LastProposal((Integer) row[0], (String) row[1], (Instant) row[2],
                        (String) row[3]))
                .findFirst().orElse(null);
        Object[] times = em.createQuery("select max(t.submittedAt), max(t.startedAt), max(t.finishedAt) from Trial t"
                + " where t.campaignId = :campaign", Object[].class).setParameter("campaign", campaignId).getSingleResult();
        Instant lastActivity = latest(campaign.createdAt, latest((Instant) times[0], (Instant) times[1], (Instant) times[2]));
        return new CampaignDashboard(view, runner(campaign), last, specialists, queue, queueTotal, budget(campaign),
                lastActivity);
    }

    @Transactional
    public CampaignTree tree(long campaignId) {
        Campaign campaign = campaigns.find(campaignId);
        CampaignView view = campaigns.view(campaign);
        List<CampaignTree.Node> nodes = em().createQuery("""
                        select t.id, t.number, t.parentNumber, t.specialist, t.state, t.label, t.score, t.deltaVsBest,
                               t.finishedAt, substring(t.hypothesis, 1, :chars)
                        from Trial t where t.campaignId = :campaign order by t.number""", Object[].class)
                .setParameter("campaign", campaignId).setParameter("chars", CampaignTree.HYPOTHESIS_CHARS + 1)
                .getResultList().stream()
                .map(row -> new CampaignTree.Node((Long) row[0], (Integer) row[1], (Integer) row[2], (String) row[3],
                        (TrialState) row[4], (Label) row[5], (Double) row[6], (Double) row[7], (Instant) row[8],
                        (String) row[9]))
                .toList();
        return new CampaignTree(campaignId, view.metric(), view.goal(), campaign.bestNumber, campaign.bestScore,
                campaign.baselineScore, campaign.noiseFloor, view.keepThreshold(), chain(nodes, campaign.bestNumber),
                nodes);
    }

    /** The parent path from the baseline to the best, baseline first; nodes are in number order. */
    private static List<Integer> chain(List<CampaignTree.Node> nodes, Integer best) {
        Map<Integer, Integer> parents = new HashMap<>();
        nodes.forEach(node -> parents.put(node.number(), node.parent()));
        List<Integer> chain = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Integer n = best; n != null && parents.containsKey(n) && seen.add(n); n = parents.get(n)) {
            chain.addFirst(n);
        }
        return chain;
    }

    private static RunnerView runner(Campaign campaign) {
        return CampaignRun.latest(campaign.id).map(run -> RunnerView.of(run, campaign)).orElse(null);
    }

    private CampaignDashboard.AttemptBudget budget(Campaign campaign) {
        EnvironmentSpec spec = catalog.find(campaign.environment).map(Environment::spec).orElse(null);
        if (spec == null) {
            return null;
        }
        CampaignSettings settings = CampaignSettings.fromJson(campaign.settings);
        int recipe = settings.recipeSecondsFor(spec);
        int scoring = settings.scoringSecondsFor(spec);
        int seeds = spec.seeds().size();
        return new CampaignDashboard.AttemptBudget(recipe, scoring, seeds, seeds * (recipe + scoring));
    }

    private static Instant latest(Instant... instants) {
        Instant latest = null;
        for (Instant instant : instants) {
            if (instant != null && (latest == null || instant.isAfter(latest))) {
                latest = instant;
            }
        }
        return latest;
    }

    private static String cut(String text, int chars) {
        return text == null || text.length() <= chars ? text : text.substring(0, chars - 1) + "…";
    }

    private static EntityManager em() {
        return Trial.getEntityManager();
    }
}
