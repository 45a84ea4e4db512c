package dev.empiric.agent;

import dev.empiric.lineage.Outcome;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The knob model: Bayesian optimisation over all of an environment's knobs at once, learning from
 * every trial of the lineage, whoever proposed it. Pure: knob definitions, observations and a seeded
 * {@link Random} in, ranked recipes out, so the same lineage gives the same proposals.
 *
 * <p>How it chooses. Until {@value #SPACE_FILLING_UNTIL} recipes are scored it spreads out: the
 * recipe farthest from everything tried among a few uniform draws (a joint move of every knob).
 * From then on a {@link GaussianProcess} models the score over the knobs. Scores are half-rank
 * warped first ({@link ScoreWarp}), so a few diverged recipes do not flatten the model where it
 * matters; a recipe that crashed or missed a gate counts as the worst score seen. For every failure
 * label seen (timeout, out of memory, size block, crash, gate miss) a {@link FailureModel} learns
 * where recipes fail that way; the acquisition is the expected improvement over the best predicted
 * score, times the chance of passing every failure model squared, and recipes less likely than
 * {@value #MIN_CHANCE_TO_PASS} to pass rank last: a failure costs a whole trial and teaches the score
 * model nothing, so a region that failed is avoided once seen. Queued and running recipes count as
 * measured at their predicted score, so concurrent proposals differ.
 *
 * <p>Where it looks. Candidates are draws in a {@link TrustRegion} around the best-predicted recipe
 * (nearly the whole space at first, so early moves are joint moves of many knobs; it narrows when
 * trials stop improving, so late moves are local refinement) and moves around a few centres: the
 * best-predicted recipes, the incumbent, the near misses and the latest edit that beat its parent.
 * The best few are polished by coordinate ascent. Only when everything there was tried does it look
 * at the whole space.
 *
 * <p>The noise floor. The target is the best <em>predicted</em> score among measured recipes (a
 * lucky seed is not chased) plus the noise the model has fitted: a recipe expected to land within
 * noise of the best would only re-measure it, so it is worth a trial only if its upside is large.
 * The trust region counts an improvement only beyond half the keep threshold (about one noise
 * standard deviation). A near miss (above the incumbent by no more than the keep threshold,
 * which the keep rule cannot tell from it) is data for the model and a centre of local moves: its
 * region is measured again, with new information, only where the acquisition finds it promising. A
 * recipe within {@link KnobSpace#MIN_STEP} of any recipe already tried would only re-roll the noise
 * and is never proposed.
 */
public final class BayesianSearch {

    static final int SPACE_FILLING_UNTIL = 4;
    /** At most this many points enter a process: the better half by score, then the most recent. */
    static final int MAX_POINTS = 150;
    private static final int SPACE_FILLING_DRAWS = 16;
    private static final int BOX_CANDIDATES = 512;
    private static final int GLOBAL_CANDIDATES = 256;
    private static final int LOCAL_CANDIDATES = 128;
    private static final int POLISHED = 6;
    /** The exponent of the chance to pass in the acquisition (1 would be the usual constrained EI). */
    private static final double FEASIBILITY_WEIGHT = 2;
    /** Recipes less likely than this to pass every failure model rank after all others. */
    private static final double MIN_CHANCE_TO_PASS = 0.65;
    private static final double UNLIKELY_TO_PASS = -1e6;

    /** Where a suggestion came from. */
    public enum Move { SPACE_FILLING, TRUST_REGION, LOCAL, GLOBAL }

    /**
     * A recipe to try: its knob literals; how it was found ({@code around}: the trial a local or
     * trust-region move started from; {@code side}: the trust region's side); and what the model
     * expects there, in the metric's own units: the predicted score and its standard deviation, the
     * chance of beating {@code target} (the best predicted score of a measured recipe plus the
     * fitted noise's standard deviation), and the
     * chance of passing every failure model. Predictions are NaN for space-filling moves.
     */
    public record Suggestion(Map<String, String> literals, Move move, Integer around, double side, double expected,
            double spread, double chance, double feasibility, double target) {}

    private final KnobSpace space;
    private final Goal goal;

    public BayesianSearch(List<Knob> knobs, Goal goal) {
        this.space = KnobSpace.of(knobs);
        this.goal = goal;
    }

    /**
     * Up to {@code count} recipes, best first, none of them indistinguishable from an observed one.
     * {@code incumbent} is the number of the campaign's kept best; {@code keepThreshold} the margin
     * by which it must be beaten (null when unknown): recipes above it by less are near misses.
     */
    public List<Suggestion> suggest(List<Observation> observations, int incumbent, Double keepThreshold, Random random,
            int count) {
        if (space.size() == 0) {
            return List.of();
        }
        List<Point> points = new ArrayList<>();
        for (Observation observation : observations) {
            space.encode(observation.knobs()).ifPresent(at -> points.add(new Point(observation, at)));
        }
        Map<String, String> style = observations.stream().filter(o -> o.number() == incumbent).findFirst()
                .map(Observation::knobs).orElse(Map.of());
        long scored = points.stream().filter(p -> p.observation().isScored()).count();
        return scored < SPACE_FILLING_UNTIL ? spaceFilling(points, style, random, count)
                : modelBased(points, incumbent, keepThreshold, style, random, count);
    }

    private record Point(Observation observation, double[] at) {}

    private record Pick(double[] at, Move move, Integer around, double value) {}

    private List<Suggestion> spaceFilling(List<Point> tried, Map<String, String> style, Random random, int count) {
        List<double[]> taken = new ArrayList<>(tried.stream().map(Point::at).toList());
        List<Suggestion> suggestions = new ArrayList<>();
        for (int attempt = 0; attempt < 4 * count && suggestions.size() < count; attempt++) {
            double[] farthest = null;
            double distance = -1;
            for (int draw = 0; draw < SPACE_FILLING_DRAWS; draw++) {
                double[] at = space.random(random);
                double nearest = taken.stream().mapToDouble(other -> space.distanceSquared(at, other)).min()
                        .orElse(Double.POSITIVE_INFINITY);
                if (nearest > distance && taken.stream().noneMatch(other -> space.indistinguishable(at, other))) {
                    farthest = at;
                    distance = nearest;
                }
            }
            if (farthest != null) {
                taken.add(farthest);
                suggestions.add(new Suggestion(space.literals(farthest, style), Move.SPACE_FILLING, null, 1, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN));
            }
        }
        return suggestions;
    }

    private List<Suggestion> modelBased(List<Point> points, int incumbent, Double keepThreshold,
            Map<String, String> style, Random random, int count) {
        List<Point> scored = points.stream().filter(p -> p.observation().isScored()).toList();
        List<Point> failed = points.stream().filter(p -> p.observation().isFailure()).toList();
        double worst = scored.stream().mapToDouble(this::oriented).min().orElseThrow();

        List<Point> training = new ArrayList<>(scored);
        failed.stream().filter(p -> p.observation().outcome() == Outcome.BROKEN).forEach(training::add);
        training = cap(training, p -> p.observation().isScored() ? oriented(p) : worst);
        double[] raw = training.stream().mapToDouble(p -> p.observation().isScored() ? oriented(p) : worst).toArray();
        ScoreWarp warp = ScoreWarp.of(raw);
        double[] targets = Arrays.stream(raw).map(warp::apply).toArray();
        GaussianProcess objective = GaussianProcess.fit(space.choiceMask(), coordinates(training), targets)
                .believing(coordinates(points.stream().filter(p -> p.observation().pending()).toList()));

        List<double[]> ran = cap(scored, this::oriented).stream().map(Point::at).toList();
        List<FailureModel> failures = failed.stream().map(p -> p.observation().label()).distinct()
                .map(label -> FailureModel.fit(space, failed.stream().filter(p -> p.observation().label() == label)
                        .map(Point::at).toList(), ran))
                .toList();

        // Improve on the best predicted score of a measured recipe (a lucky seed is not chased) by more
        // than the noise: a recipe the model expects within noise of the best would only re-measure it.
        double target = scored.stream().mapToDouble(p -> objective.predict(p.at())[0]).max().orElseThrow()
                + Math.sqrt(objective.noise());
        Acquisition acquisition = new Acquisition(objective, failures, target);

        List<Point> centres = centres(scored, incumbent, keepThreshold, objective);
        double side = TrustRegion.side(points.stream().filter(p -> !p.observation().pending())
                .sorted(Comparator.comparingInt(p -> p.observation().number()))
                .map(p -> p.observation().isScored() ? oriented(p) : Double.NaN).toList(), space.size(),
                keepThreshold == null ? 0 : keepThreshold / 2);
        Box box = Box.around(space, centres.getFirst().at(), side, objective);
        double share = Math.clamp(0.75 * side, Math.min(1, 1.5 / space.size()), 1);
        double step = Math.clamp(side / 4, 0.02, 0.3);

        Map<String, Pick> candidates = new LinkedHashMap<>();
        for (int i = 0; i < BOX_CANDIDATES; i++) {
            add(candidates, acquisition, box.random(random), Move.TRUST_REGION, centres.getFirst().observation().number());
        }
        for (Point centre : centres) {
            for (int i = 0; i < LOCAL_CANDIDATES; i++) {
                add(candidates, acquisition, space.perturb(centre.at(), share, step, random), Move.LOCAL,
                        centre.observation().number());
            }
        }
        List<Pick> ranked = new ArrayList<>(candidates.values());
        ranked.sort(Comparator.comparingDouble(Pick::value).reversed());
        for (Pick pick : List.copyOf(ranked.subList(0, Math.min(POLISHED, ranked.size())))) {
            polish(candidates, acquisition, pick, step, box);
        }
        ranked = new ArrayList<>(candidates.values());
        ranked.sort(Comparator.comparingDouble(Pick::value).reversed());

        List<double[]> taken = new ArrayList<>(points.stream().map(Point::at).toList());
        List<Suggestion> suggestions = new ArrayList<>();
        select(ranked, taken, suggestions, count, objective, acquisition, warp, side, style);
        if (suggestions.size() < count) {
            // Everything the trust region offers was tried: look at the whole space.
            Map<String, Pick> global = new LinkedHashMap<>();
            for (int i = 0; i < GLOBAL_CANDIDATES; i++) {
                add(global, acquisition, space.random(random), Move.GLOBAL, null);
            }
            List<Pick> wider = new ArrayList<>(global.values());
            wider.sort(Comparator.comparingDouble(Pick::value).reversed());
            select(wider, taken, suggestions, count, objective, acquisition, warp, side, style);
        }
        return suggestions;
    }

    /** Adds the best {@code ranked} picks that are distinguishable from everything taken, up to {@code count}. */
    private void select(List<Pick> ranked, List<double[]> taken, List<Suggestion> suggestions, int count,
            GaussianProcess objective, Acquisition acquisition, ScoreWarp warp, double side, Map<String, String> style) {
        for (Pick pick : ranked) {
            if (suggestions.size() == count) {
                return;
            }
            if (taken.stream().anyMatch(other -> space.indistinguishable(pick.at(), other))) {
                continue;
            }
            taken.add(pick.at());
            double[] prediction = objective.predict(pick.at());
            double sd = Math.sqrt(prediction[1]);
            suggestions.add(new Suggestion(space.literals(pick.at(), style), pick.move(), pick.around(), side,
                    unorient(warp.invert(prediction[0])), sd * warp.scale(),
                    Normal.cdf((prediction[0] - acquisition.target()) / sd),
                    Math.exp(acquisition.logFeasibility(pick.at())), unorient(warp.invert(acquisition.target()))));
        }
    }

    /**
     * Where local moves start: the two best-predicted recipes; the incumbent; the near misses (recipes
     * that scored above the incumbent by no more than the keep threshold, which the keep rule cannot
     * tell from it: their region is promising, and a neighbour measures it again with new
     * information instead of re-rolling the seed); and the latest edit that beat its parent.
     */
    private List<Point> centres(List<Point> scored, int incumbent, Double keepThreshold, GaussianProcess objective) {
        Comparator<Point> predicted = Comparator.comparingDouble((Point p) -> -objective.predict(p.at())[0]);
        List<Point> centres = new ArrayList<>(scored.stream().sorted(predicted).limit(2).toList());
        Optional<Point> kept = scored.stream().filter(p -> p.observation().number() == incumbent).findFirst();
        kept.ifPresent(centres::add);
        if (kept.isPresent() && keepThreshold != null) {
            double bar = oriented(kept.get());
            scored.stream().filter(p -> oriented(p) > bar && oriented(p) <= bar + keepThreshold).sorted(predicted)
                    .limit(2).forEach(centres::add);
        }
        scored.stream().filter(p -> p.observation().beatParent())
                .max(Comparator.comparingInt(p -> p.observation().number())).ifPresent(centres::add);
        return centres.stream().distinct().toList();
    }

    /** Coordinate ascent from a good candidate: each knob in turn, a few steps or every other option. */
    private void polish(Map<String, Pick> candidates, Acquisition acquisition, Pick start, double step, Box box) {
        Pick current = start;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < space.size(); i++) {
                List<double[]> moves = new ArrayList<>();
                if (space.isChoice(i)) {
                    for (int option = 0; option < space.knob(i).choices().size(); option++) {
                        double[] at = current.at().clone();
                        at[i] = option;
                        moves.add(at);
                    }
                } else {
                    for (double delta : new double[] {step / 2, -step / 2, step / 8, -step / 8}) {
                        double[] at = current.at().clone();
                        at[i] = current.move() == Move.TRUST_REGION ? box.clamp(i, at[i] + delta)
                                : Math.clamp(at[i] + delta, 0, 1);
                        moves.add(space.snap(at));
                    }
                }
                for (double[] at : moves) {
                    Pick moved = add(candidates, acquisition, at, current.move(), current.around());
                    if (moved.value() > current.value()) {
                        current = moved;
                    }
                }
            }
        }
    }

    private Pick add(Map<String, Pick> candidates, Acquisition acquisition, double[] at, Move move, Integer around) {
        return candidates.computeIfAbsent(Arrays.toString(at), key -> new Pick(at, move, around, acquisition.value(at)));
    }

    /**
     * The trust region: around {@code centre}, each numeric knob within half the side times its
     * relative lengthscale (knobs the score is less sensitive to get more room, as in TuRBO); each
     * choice knob keeps the centre's option unless redrawn, which happens more often the larger the
     * region.
     */
    private record Box(KnobSpace space, double[] centre, double[] halfWidths, double side) {

        static Box around(KnobSpace space, double[] centre, double side, GaussianProcess objective) {
            double logMean = 0;
            int numeric = 0;
            for (int i = 0; i < space.size(); i++) {
                if (!space.isChoice(i)) {
                    logMean += Math.log(objective.lengthscale(i));
                    numeric++;
                }
            }
            logMean = numeric == 0 ? 0 : logMean / numeric;
            double[] halfWidths = new double[space.size()];
            for (int i = 0; i < space.size(); i++) {
                double weight = Math.clamp(Math.exp(Math.log(objective.lengthscale(i)) - logMean), 0.25, 4);
                halfWidths[i] = side / 2 * weight;
            }
            return new Box(space, centre, halfWidths, side);
        }

        double clamp(int knob, double value) {
            return Math.clamp(value, Math.max(0, centre[knob] - halfWidths[knob]),
                    Math.min(1, centre[knob] + halfWidths[knob]));
        }

        double[] random(Random random) {
            double[] point = centre.clone();
            for (int i = 0; i < space.size(); i++) {
                if (space.isChoice(i)) {
                    if (random.nextDouble() < Math.min(1, side) / 2) {
                        point[i] = random.nextInt(space.knob(i).choices().size());
                    }
                } else {
                    double low = Math.max(0, centre[i] - halfWidths[i]);
                    double high = Math.min(1, centre[i] + halfWidths[i]);
                    point[i] = low + random.nextDouble() * (high - low);
                }
            }
            return space.snap(point);
        }
    }

    /** Expected improvement over the keep target, times the chance of passing every failure model (in logs). */
    private record Acquisition(GaussianProcess objective, List<FailureModel> failures, double target) {

        double value(double[] at) {
            double[] prediction = objective.predict(at);
            double logPass = logFeasibility(at);
            double value = Normal.logExpectedImprovement(prediction[0], Math.sqrt(prediction[1]), target)
                    + FEASIBILITY_WEIGHT * logPass;
            return Math.exp(logPass) < MIN_CHANCE_TO_PASS ? value + UNLIKELY_TO_PASS : value;
        }

        double logFeasibility(double[] at) {
            double sum = 0;
            for (FailureModel failure : failures) {
                sum += failure.logChanceToPass(at);
            }
            return sum;
        }
    }

    /** Keeps the process small: the better half by {@code rank}, then the most recent of the rest. */
    private static List<Point> cap(List<Point> points, java.util.function.ToDoubleFunction<Point> rank) {
        if (points.size() <= MAX_POINTS) {
            return points;
        }
        List<Point> byRank = new ArrayList<>(points);
        byRank.sort(Comparator.comparingDouble(rank).reversed());
        List<Point> kept = new ArrayList<>(byRank.subList(0, MAX_POINTS / 2));
        List<Point> rest = new ArrayList<>(byRank.subList(MAX_POINTS / 2, byRank.size()));
        rest.sort(Comparator.comparingInt((Point p) -> -p.observation().number()));
        kept.addAll(rest.subList(0, MAX_POINTS - kept.size()));
        return kept;
    }

    private static double[][] coordinates(List<Point> points) {
        return points.stream().map(Point::at).toArray(double[][]::new);
    }

    /** The score turned so that higher is better. */
    private double oriented(Point point) {
        return goal == Goal.MAXIMIZE ? point.observation().score() : -point.observation().score();
    }

    private double unorient(double value) {
        return goal == Goal.MAXIMIZE ? value : -value;
    }
}
