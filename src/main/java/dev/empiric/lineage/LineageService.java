package dev.empiric.lineage;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.KeepRule;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the lineage view of a campaign for one specialist from the store. The one place that
 * decides what agents see, so that internal specialists and external agents (over REST) cannot
 * diverge. Three queries whatever the campaign's size: the campaign, the skeleton of all its trials,
 * and the full rows of the few trials shown.
 */
@ApplicationScoped
public class LineageService {

    private static final Comparator<TrialSkeleton> NEWEST_FIRST = Comparator
            .comparing(TrialSkeleton::finishedAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(TrialSkeleton::number, Comparator.reverseOrder());

    private final EnvironmentCatalog catalog;

    LineageService(EnvironmentCatalog catalog) {
        this.catalog = catalog;
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
                throw ApiException.badRequest(name + " must be between 0 and " + MAX + ", not " + value);
            }
        }
    }

    /**
     * The view of campaign {@code campaignId} for {@code specialist} (null: no specialist, so no
     * surface and no own failures).
     */
    @Transactional
    public LineageView view(long campaignId, String specialist, Options options) {
        Campaign campaign = Campaign.<Campaign>findByIdOptional(campaignId)
                .orElseThrow(() -> ApiException.notFound("no campaign with id " + campaignId));
        Environment environment = catalog.find(campaign.environment).orElseThrow(() -> ApiException.conflict(
                "campaign " + campaignId + " uses environment '" + campaign.environment
                        + "', which this server does not have"));
        CampaignSettings settings = CampaignSettings.fromJson(campaign.settings);
        LineageView.Task task = task(environment.spec(), settings, specialist);
        if (!settings.lineageViewEnabled()) {
            return new LineageView(campaign.id, campaign.name, specialist, false, Instant.now(), null, task,
                    new LineageView.Standing(campaign.bestNumber, campaign.bestScore, null, null, null, null, null),
                    List.of(), List.of(), List.of(), 0, List.of(), List.of(), Map.of());
        }

        EntityManager em = Trial.getEntityManager();
        List<TrialSkeleton> all = em.createQuery(TrialSkeleton.SELECT + " where t.campaignId = :campaign",
                TrialSkeleton.class).setParameter("campaign", campaignId).getResultList();
        List<TrialSkeleton> visible = all.stream().filter(TrialSkeleton::visible).toList();
        Integer best = campaign.bestNumber;

        List<TrialSkeleton> leaderboard = visible.stream().filter(TrialSkeleton::kept)
                .sorted(betterFirst(environment.spec().metric().goal())).limit(options.top()).toList();
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
        Map<Integer, LineageEntry> rows = rows(em, campaignId, shown);

        LineageEntry bestRow = best == null ? null : rows.get(best);
        LineageView.Standing standing = new LineageView.Standing(best, campaign.bestScore,
                bestRow == null ? null : bestRow.specialist(), bestRow == null ? null : bestRow.hypothesis(),
                campaign.baselineScore, campaign.noiseFloor, KeepRule.threshold(environment.spec(), campaign.noiseFloor));
        Map<Label, Long> counts = visible.stream().collect(Collectors.groupingBy(TrialSkeleton::label,
                () -> new EnumMap<>(Label.class), Collectors.counting()));
        Integer asOf = visible.stream().map(TrialSkeleton::number).max(Integer::compare).orElse(null);
        return new LineageView(campaign.id, campaign.name, specialist, true, Instant.now(), asOf, task, standing,
                entries(leaderboard, rows), entries(chain, rows), entries(shownChildren, rows), children.size(),
                entries(recent, rows), entries(ownFailures, rows), counts);
    }

    private static LineageView.Task task(EnvironmentSpec spec, CampaignSettings settings, String specialist) {
        LineageView.Budgets budgets = new LineageView.Budgets(settings.recipeSecondsFor(spec),
                settings.scoringSecondsFor(spec), settings.recipeMemoryMbFor(spec),
                spec.artifact() == null ? null : spec.artifact().maxBytes(),
                spec.artifact() != null && spec.artifact().includeCode());
        Map<String, List<EnvironmentSpec.Knob>> surfaces = spec.surfaces() == null ? Map.of() : spec.surfaces();
        boolean owns = specialist != null && surfaces.containsKey(specialist);
        return new LineageView.Task(spec.name(), spec.title(), spec.description(), spec.metric().name(),
                spec.metric().goal(), spec.editable(), budgets, spec.gates() == null ? List.of() : spec.gates(),
                spec.seeds().size(), owns ? specialist : null, owns ? surfaces.get(specialist) : List.of(),
                List.copyOf(new TreeMap<>(surfaces).keySet()));
    }

    /** Best score first; kept trials always carry a score, ties go to the earlier trial. */
    private static Comparator<TrialSkeleton> betterFirst(EnvironmentSpec.Goal goal) {
        Comparator<Double> better = goal == EnvironmentSpec.Goal.MAXIMIZE
                ? Comparator.<Double>reverseOrder() : Comparator.<Double>naturalOrder();
        return Comparator.comparing(TrialSkeleton::score, Comparator.nullsLast(better))
                .thenComparing(TrialSkeleton::number);
    }

    /**
     * The kept trials on the path from the baseline to {@code best}, baseline first. The path follows
     * parent links through every trial, kept or not, since an edit may build on a discarded parent.
     */
    private static List<TrialSkeleton> chain(List<TrialSkeleton> all, Integer best) {
        Map<Integer, TrialSkeleton> byNumber = all.stream()
                .collect(Collectors.toMap(TrialSkeleton::number, Function.identity()));
        List<TrialSkeleton> path = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (TrialSkeleton t = best == null ? null : byNumber.get(best); t != null && seen.add(t.number());
                t = t.parent() == null ? null : byNumber.get(t.parent())) {
            if (t.visible() && t.kept()) {
                path.addFirst(t);
            }
        }
        return path;
    }

    private static Map<Integer, LineageEntry> rows(EntityManager em, long campaignId, Collection<Integer> numbers) {
        if (numbers.isEmpty()) {
            return Map.of();
        }
        Map<Integer, LineageEntry> rows = new HashMap<>();
        em.createQuery(LineageEntry.SELECT + " where t.campaignId = :campaign and t.number in :numbers",
                        LineageEntry.class)
                .setParameter("campaign", campaignId).setParameter("numbers", numbers).getResultList()
                .forEach(row -> rows.put(row.number(), row));
        return rows;
    }

    private static List<LineageEntry> entries(List<TrialSkeleton> section, Map<Integer, LineageEntry> rows) {
        return section.stream().map(t -> rows.get(t.number())).toList();
    }
}
