package dev.empiric.lineage;

import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.ImportOrigin;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.Label;
import dev.empiric.trial.NoiseEstimate;
import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.TrialSkeleton;
import dev.empiric.trial.Trials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What proposers are shown of a campaign's lineage, decided in one place: the lineage view (for LLM
 * and command specialists and for external agents over REST) and the history the offline
 * specialists learn from. Both come from the same store and obey the same switch: with the
 * campaign's lineage view off (an ablation), neither shows any outcome but the best's. Internal and
 * external proposers therefore cannot diverge. The view costs three queries whatever the campaign's
 * size: the campaign, the skeleton of all its trials, and the full rows of the few trials shown.
 */
@ApplicationScoped
public class LineageService {

    private static final Comparator<TrialSkeleton> NEWEST_FIRST = Comparator
            .comparing(TrialSkeleton::finishedAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(TrialSkeleton::number, Comparator.reverseOrder());

    private final EnvironmentCatalog catalog;
    private final Trials trials;
    private final CampaignHistoryReader histories;

    LineageService(EnvironmentCatalog catalog, Trials trials, CampaignHistoryReader histories) {
        this.catalog = catalog;
        this.trials = trials;
        this.histories = histories;
    }

    /**
     * How much of the lineage to show. The paper's agents saw the top 20 keeps and the 10 most
     * recent trials; the limits keep the Markdown within one screen for a long campaign.
     *
     * @param top kept trials in the leaderboard
     * @param recent most recent finished trials
     * @param ownFailures the specialist's own most recent rejected or failed trials
     * @param children the best's most recent direct children (the total is always given)
     */
    public record Options(int top, int recent, int ownFailures, int children) {

        public static final int MAX = 200;
        public static final Options DEFAULT = new Options(20, 10, 10, 10);

        public Options {
            check(top, "top");
            check(recent, "recent");
            check(ownFailures, "ownFailures");
            check(children, "children");
        }

        private static void check(int value, String name) {
            if (value < 0 || value > MAX) {
                throw new InvalidLineageRequest(name + " must be between 0 and " + MAX + ", not " + value);
            }
        }
    }

    /**
     * The view of campaign {@code campaignId} for {@code specialist} (null: no specialist, so no
     * surface and no own failures).
     */
    @Transactional
    public LineageView view(long campaignId, String specialist, Options options) {
        Campaign campaign = Campaign.require(campaignId);
        CampaignSettings settings = campaign.parsedSettings();
        Optional<ImportOrigin> imported = campaign.importOrigin();
        EnvironmentSpec spec = imported.isPresent() ? null : environment(campaign).spec();
        Budgets budgets = spec == null ? null : Budgets.of(spec, settings);
        LineageView.Task task = spec == null ? task(campaign, imported.get()) : task(spec, budgets, specialist);
        Double keepThreshold = budgets == null ? null : budgets.keepThreshold(campaign.noiseFloor);
        if (!settings.lineageViewEnabled()) {
            return new LineageView(campaign.id, campaign.name, specialist, false, Instant.now(), null, task,
                    LineageView.Standing.viewOff(campaign.bestNumber, campaign.bestScore),
                    List.of(), List.of(), List.of(), 0, List.of(), List.of(), Map.of());
        }

        List<TrialSkeleton> all = trials.shownSkeletons(campaign);
        List<TrialSkeleton> visible = all.stream().filter(TrialSkeleton::visible).toList();
        Integer best = campaign.bestNumber;

        List<TrialSkeleton> leaderboard = visible.stream().filter(TrialSkeleton::kept)
                .sorted(betterFirst(task.goal())).limit(options.top()).toList();
        List<TrialSkeleton> chain = chain(all, best);
        List<TrialSkeleton> children = visible.stream()
                .filter(t -> best != null && t.number() != best && best.equals(t.parent()))
                .sorted(Comparator.comparing(TrialSkeleton::number).reversed()).toList();
        List<TrialSkeleton> shownChildren = children.stream().limit(options.children()).toList();
        List<TrialSkeleton> recent = visible.stream().sorted(NEWEST_FIRST).limit(options.recent()).toList();
        List<TrialSkeleton> ownFailures = visible.stream()
                .filter(t -> !t.kept() && specialist != null && specialist.equals(t.specialist()))
                .sorted(NEWEST_FIRST).limit(options.ownFailures()).toList();

        Set<Integer> shown = Stream.of(leaderboard, chain, shownChildren, recent, ownFailures)
                .flatMap(List::stream).map(TrialSkeleton::number).collect(Collectors.toCollection(HashSet::new));
        if (best != null) {
            shown.add(best);
        }
        Map<Integer, LineageEntry> rows = trials.byNumbers(campaignId, shown).stream().map(LineageEntry::of)
                .collect(Collectors.toMap(LineageEntry::number, Function.identity()));

        LineageEntry bestRow = best == null ? null : rows.get(best);
        LineageView.Standing standing = new LineageView.Standing(best, campaign.bestScore,
                bestRow == null ? null : bestRow.specialist(), bestRow == null ? null : bestRow.hypothesis(),
                campaign.baselineScore, campaign.noiseFloor, budgets == null ? null : noise(campaign, budgets),
                keepThreshold, budgets == null ? null : budgets.minDelta(),
                budgets == null ? null : budgets.confirmSeedSets(), budgets == null ? null : budgets.alpha());
        Map<Label, Long> counts = visible.stream().collect(Collectors.groupingBy(TrialSkeleton::label,
                () -> new EnumMap<>(Label.class), Collectors.counting()));
        Integer asOf = visible.stream().map(TrialSkeleton::number).max(Integer::compare).orElse(null);
        return new LineageView(campaign.id, campaign.name, specialist, true, Instant.now(), asOf, task, standing,
                entries(leaderboard, rows), entries(chain, rows), entries(shownChildren, rows), children.size(),
                entries(recent, rows), entries(ownFailures, rows), counts);
    }

    private static LineageView.Task task(EnvironmentSpec spec, Budgets budgets, String specialist) {
        LineageView.Budgets shown = new LineageView.Budgets(budgets.recipe().seconds(), budgets.scoring().seconds(),
                budgets.recipe().memoryMb(), budgets.artifactMaxBytes(), budgets.artifactIncludesCode());
        Map<String, List<EnvironmentSpec.Knob>> surfaces = spec.surfaces();
        boolean owns = specialist != null && surfaces.containsKey(specialist);
        return new LineageView.Task(spec.name(), spec.title(), spec.description(), spec.metric().name(),
                spec.metric().goal(), spec.editable(), shown, spec.gates(), spec.seeds().size(),
                owns ? specialist : null, owns ? surfaces.get(specialist) : List.of(),
                List.copyOf(new TreeMap<>(surfaces).keySet()));
    }

    /**
     * The task of an imported run: its score column and direction, and nothing to edit or budget,
     * since nothing of it runs here.
     */
    private static LineageView.Task task(Campaign campaign, ImportOrigin origin) {
        return new LineageView.Task(campaign.environment, "imported run", "trials read from a " + origin.format()
                + " results file (sha256 " + origin.fileSha256() + "); they ran, were scored and labelled by that"
                + " harness; nothing runs here", origin.metric(), origin.goal(), List.of(), null, List.of(), 0, null,
                List.of(), List.of());
    }

    /** Best score first; kept trials always carry a score, ties go to the earlier trial. */
    private static Comparator<TrialSkeleton> betterFirst(EnvironmentSpec.Goal goal) {
        Comparator<Double> better = goal == EnvironmentSpec.Goal.MAXIMIZE
                ? Comparator.<Double>reverseOrder() : Comparator.<Double>naturalOrder();
        return Comparator.comparing(TrialSkeleton::score, Comparator.nullsLast(better))
                .thenComparing(TrialSkeleton::number);
    }

    /** The kept trials on the path from the baseline to {@code best} ({@link Ancestry}), baseline first. */
    private static List<TrialSkeleton> chain(List<TrialSkeleton> all, Integer best) {
        Map<Integer, TrialSkeleton> byNumber = all.stream()
                .collect(Collectors.toMap(TrialSkeleton::number, Function.identity()));
        return Ancestry.path(best, number -> byNumber.containsKey(number) ? byNumber.get(number).parent() : null)
                .stream().map(byNumber::get).filter(t -> t != null && t.visible() && t.kept()).toList();
    }

    private static List<LineageEntry> entries(List<TrialSkeleton> section, Map<Integer, LineageEntry> rows) {
        return section.stream().map(t -> rows.get(t.number())).toList();
    }

    /**
     * The history the offline specialists learn from. With the lineage view off it keeps which
     * recipes were tried (so nothing is measured twice) but hides every outcome except the best's.
     */
    @Transactional
    public CampaignHistory history(long campaignId) {
        Campaign campaign = Campaign.require(campaignId);
        CampaignHistory history = histories.read(campaign, environment(campaign).spec());
        return campaign.parsedSettings().lineageViewEnabled() ? history : history.withoutOutcomes();
    }

    /**
     * The campaign's knowledge as Markdown ({@link CampaignKnowledge}): the environment's notes, the
     * analyst's notes (withheld when the lineage view is off, as they are from its proposers) and the
     * research tree.
     */
    @Transactional
    public String knowledge(long campaignId) {
        Campaign campaign = Campaign.require(campaignId);
        LineageView view = view(campaignId, null, Options.DEFAULT);
        if (campaign.importOrigin().isPresent()) {
            return CampaignKnowledge.render(view, null, null);
        }
        Environment environment = environment(campaign);
        return CampaignKnowledge.render(view, environment, analystNotes(campaign, environment));
    }

    /**
     * What is pinned at the top of an LLM or command specialist's brief in this campaign: the
     * environment's notes and, when the lineage view is on, the analyst's.
     */
    @Transactional
    public String pinnedKnowledge(long campaignId) {
        Campaign campaign = Campaign.require(campaignId);
        Environment environment = environment(campaign);
        return CampaignKnowledge.pinned(environment, analystNotes(campaign, environment));
    }

    /** The analyst's notes on the campaign's history, or null when the lineage view hides outcomes. */
    private Analyst.Notes analystNotes(Campaign campaign, Environment environment) {
        if (!campaign.parsedSettings().lineageViewEnabled()) {
            return null;
        }
        return Analyst.notes(histories.read(campaign, environment.spec()),
                environment.spec().knobs().stream().map(EnvironmentSpec.Knob::name).toList());
    }

    /** The files of a trial's commit: what a proposal edits. */
    @Transactional
    public RecipeTree tree(long campaignId, int number) {
        return histories.tree(campaignId, number);
    }

    /** The campaign's current noise estimate and what it pools (the same rule the keep rule used). */
    static NoiseEstimate noise(Campaign campaign, Budgets budgets) {
        return NoiseEstimate.pool(NoiseEstimate.read(campaign.noiseSources), budgets.noiseDegreesOfFreedom());
    }

    private Environment environment(Campaign campaign) {
        return catalog.find(campaign.environment).orElseThrow(() -> new EnvironmentUnavailable(campaign));
    }
}
