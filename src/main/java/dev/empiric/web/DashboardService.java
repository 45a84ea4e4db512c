package dev.empiric.web;

import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.campaign.EventLog;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.lineage.CampaignService;
import dev.empiric.lineage.CampaignService.CampaignView;
import dev.empiric.runner.CampaignRun;
import dev.empiric.runner.RunnerView;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialNode;
import dev.empiric.trial.TrialState;
import dev.empiric.trial.Trials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what the web UI shows about campaigns and that the resource API does not return in one call:
 * summaries with runners, a dashboard's aggregates, the whole tree. Read-only, and built on the
 * services' public views so that the UI and the API can never disagree about a campaign.
 */
@ApplicationScoped
public class DashboardService {

    private final CampaignService campaigns;
    private final EnvironmentCatalog catalog;
    private final Trials trials;
    private final EventLog events;

    DashboardService(CampaignService campaigns, EnvironmentCatalog catalog, Trials trials, EventLog events) {
        this.campaigns = campaigns;
        this.catalog = catalog;
        this.trials = trials;
        this.events = events;
    }

    @Transactional
    public List<CampaignSummary> summaries() {
        return Campaign.<Campaign>listAll().stream()
                .sorted((a, b) -> Long.compare(b.id, a.id))
                .map(campaign -> new CampaignSummary(campaigns.view(campaign), runner(campaign),
                        events.latest(campaign.id).map(event -> event.at).orElse(campaign.createdAt)))
                .toList();
    }

    @Transactional
    public CampaignDashboard dashboard(long campaignId) {
        // The newest event first: whatever the aggregates below show is at least that recent.
        Optional<CampaignEvent> latest = events.latest(campaignId);
        Campaign campaign = Campaign.require(campaignId);
        CampaignView view = campaigns.view(campaign);

        Map<String, Map<Label, Long>> labels = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        for (Trials.SpecialistCount row : trials.outcomesBySpecialist(campaign)) {
            long[] total = counts.computeIfAbsent(row.specialist(), s -> new long[2]);
            total[0] += row.count();
            if (row.state() == TrialState.QUEUED || row.state() == TrialState.RUNNING) {
                total[1] += row.count();
            }
            if (row.label() != null) {
                labels.computeIfAbsent(row.specialist(), s -> new EnumMap<>(Label.class))
                        .merge(row.label(), row.count(), Long::sum);
            }
        }
        List<CampaignDashboard.SpecialistOutcomes> specialists = counts.entrySet().stream()
                .map(e -> new CampaignDashboard.SpecialistOutcomes(e.getKey(), e.getValue()[0], e.getValue()[1],
                        labels.getOrDefault(e.getKey(), Map.of())))
                .toList();

        List<CampaignDashboard.QueuedTrial> queue = trials.inFlight(campaignId, CampaignDashboard.QUEUE_LIMIT).stream()
                .map(t -> new CampaignDashboard.QueuedTrial(t.id, t.number, t.specialist, t.state,
                        cut(t.hypothesis, CampaignTree.HEAD_CHARS), t.submittedAt, t.startedAt, t.attempts))
                .toList();
        long queueTotal = specialists.stream().mapToLong(CampaignDashboard.SpecialistOutcomes::inFlight).sum();

        CampaignDashboard.LastProposal last = campaign.nextNumber > 1
                ? trials.byNumber(campaignId, campaign.nextNumber - 1).map(t -> new CampaignDashboard.LastProposal(
                        t.number, t.specialist, t.submittedAt, t.proposedFrom)).orElse(null)
                : null;
        return new CampaignDashboard(view, runner(campaign), last, specialists, queue, queueTotal, budget(campaign),
                latest.map(event -> event.at).orElse(campaign.createdAt), latest.map(event -> event.id).orElse(null));
    }

    @Transactional
    public CampaignTree tree(long campaignId) {
        Long lastEventId = events.latest(campaignId).map(event -> event.id).orElse(null);
        Campaign campaign = Campaign.require(campaignId);
        CampaignView view = campaigns.view(campaign);
        List<TrialNode> nodes = trials.nodes(campaignId);
        return new CampaignTree(campaignId, view.metric(), view.goal(), campaign.bestNumber, campaign.bestScore,
                campaign.baselineScore, campaign.noiseFloor, view.keepThreshold(), chain(nodes, campaign.bestNumber),
                nodes, lastEventId);
    }

    /** Some nodes of the campaign's tree, for a page that follows its events. */
    @Transactional
    public List<TrialNode> nodes(long campaignId, List<Integer> numbers) {
        Campaign.require(campaignId);
        return trials.nodes(campaignId, numbers);
    }

    /** The heads of some trials' hypotheses, by number. */
    @Transactional
    public Map<Integer, String> heads(long campaignId, List<Integer> numbers) {
        Campaign.require(campaignId);
        Map<Integer, String> heads = new TreeMap<>();
        // One character more than shown: a head that fills it was cut, and says so.
        trials.heads(campaignId, numbers, CampaignTree.HEAD_CHARS + 1)
                .forEach((number, head) -> heads.put(number, cut(head, CampaignTree.HEAD_CHARS)));
        return heads;
    }

    /** The parent path from the baseline to the best, baseline first; nodes are in number order. */
    private static List<Integer> chain(List<TrialNode> nodes, Integer best) {
        Map<Integer, Integer> parents = new HashMap<>();
        nodes.forEach(node -> parents.put(node.number(), node.parent()));
        List<Integer> chain = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Integer n = best; n != null && parents.containsKey(n) && seen.add(n); n = parents.get(n)) {
            chain.addFirst(n);
        }
        return chain;
    }

    private RunnerView runner(Campaign campaign) {
        return CampaignRun.latest(campaign.id).map(run -> RunnerView.of(run, campaign, trials)).orElse(null);
    }

    private CampaignDashboard.AttemptBudget budget(Campaign campaign) {
        return catalog.find(campaign.environment).map(Environment::spec).map(spec -> {
            Budgets budgets = Budgets.of(spec, campaign.parsedSettings());
            int seeds = spec.seeds().size();
            return new CampaignDashboard.AttemptBudget(budgets.recipe().seconds(), budgets.scoring().seconds(), seeds,
                    seeds * (budgets.recipe().seconds() + budgets.scoring().seconds()));
        }).orElse(null);
    }

    private static String cut(String text, int chars) {
        return text == null || text.length() <= chars ? text : text.substring(0, chars - 1) + "…";
    }
}
