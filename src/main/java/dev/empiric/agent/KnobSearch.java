package dev.empiric.agent;

import dev.empiric.environment.KnobLiterals;
import dev.empiric.lineage.Outcome;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.agent.KnobEvidence.Change;
import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;

/**
 * The per-knob model of the offline specialists: from the lineage, the values to try next for one
 * knob of the best trial, best first. The specialist walks the list until it finds a value whose
 * tree was never measured.
 *
 * <p>Numeric knobs are searched in units (log space for log knobs). Priority of evidence, strongest
 * first: a budget failure on the knob's latest change steers back towards the cheaper side; measured
 * neighbours of the best along the knob (trials equal to the best except for this knob) point
 * towards the better-scoring side, bisecting when both sides were measured; otherwise the changes
 * of this knob that improved on their parent, recency-weighted, give the direction; with no evidence
 * the direction is a coin toss. The step is a quarter of the range, shrinking by a factor 0.75 for
 * every earlier change of the knob, so the search refines as trials accumulate. Now and then
 * (10%) a uniformly random value is tried first, so that a misleading early trend cannot trap the
 * search. A value that ended over budget (timeout, size, memory) bounds the knob on that side; a
 * value that crashed or missed the gate is never proposed again.
 */
public final class KnobSearch {

    static final double EXPLORE = 0.1;
    static final double SHRINK = 0.75;
    static final double RECENCY = 0.7;
    private static final int RANDOM_FALLBACKS = 6;

    private KnobSearch() {}

    public static List<Candidate> candidates(Knob knob, CampaignHistory history, Random random) {
        String current = history.best().knobs().get(knob.name());
        if (current == null) {
            return List.of();
        }
        KnobEvidence evidence = KnobEvidence.of(knob, history);
        return "choice".equals(knob.type()) ? choices(knob, current, evidence, history, random)
                : numeric(knob, current, evidence, history, random);
    }

    private static List<Candidate> numeric(Knob knob, String current, KnobEvidence evidence, CampaignHistory history,
            Random random) {
        OptionalDouble parsed = KnobLiterals.number(current);
        if (parsed.isEmpty() || knob.min() == null || knob.max() == null) {
            return List.of();
        }
        KnobScale scale = new KnobScale(knob);
        double x0 = parsed.getAsDouble();
        double u0 = Math.clamp(scale.toUnit(Math.max(x0, knob.min())), scale.minUnit(), scale.maxUnit());
        Limits limits = Limits.of(knob, x0, evidence);
        double lo = limits.lowerFail() == null ? scale.minUnit() : scale.toUnit(limits.lowerFail());
        double hi = limits.upperFail() == null ? scale.maxUnit() : scale.toUnit(limits.upperFail());
        double step = (scale.maxUnit() - scale.minUnit()) / 4 * Math.pow(SHRINK, evidence.count());

        Direction direction = direction(knob, x0, u0, evidence, history, scale, random);
        if (direction.bracket() > 0) {
            step = Math.min(step, direction.bracket() / 2);
        }
        int d = direction.sign();
        String name = knob.name();
        Map<String, Candidate> out = new LinkedHashMap<>();
        if (random.nextDouble() < EXPLORE) {
            addNumeric(out, scale, limits, x0, lo + random.nextDouble() * (hi - lo), 0,
                    "random exploration of " + name + " within its allowed range" + limits.note());
        }
        String towards = direction.reason() + limits.note();
        String opposite = "the values " + (d > 0 ? "above" : "below") + " were measured or are out of range, so "
                + "trying the other side" + limits.note();
        for (double factor : new double[] {1, 0.5, 0.25, 2}) {
            addNumeric(out, scale, limits, x0, u0 + d * step * factor, d, towards);
        }
        for (double factor : new double[] {1, 0.5, 0.25}) {
            addNumeric(out, scale, limits, x0, u0 - d * step * factor, -d, opposite);
        }
        for (int i = 0; i < RANDOM_FALLBACKS; i++) {
            addNumeric(out, scale, limits, x0, lo + random.nextDouble() * (hi - lo), 0,
                    "the values near the best were all measured; random exploration of " + name + limits.note());
        }
        return List.copyOf(out.values());
    }

    /** Where a numeric knob should move and why. {@code bracket} is the distance to a measured neighbour to bisect. */
    private record Direction(int sign, double bracket, String reason) {}

    private static Direction direction(Knob knob, double x0, double u0, KnobEvidence evidence, CampaignHistory history,
            KnobScale scale, Random random) {
        String name = knob.name();
        if (!evidence.changes().isEmpty()) {
            Change latest = evidence.changes().getLast();
            OptionalDouble from = KnobLiterals.number(latest.from());
            OptionalDouble to = KnobLiterals.number(latest.to());
            if (latest.trial().outcome() == Outcome.OVER_BUDGET && from.isPresent() && to.isPresent()) {
                int cheaper = to.getAsDouble() > from.getAsDouble() ? -1 : 1;
                return new Direction(cheaper, 0, name + " = " + latest.to() + " ended " + latest.trial().label()
                        + " in trial " + latest.trial().number() + "; steering back towards cheaper values");
            }
        }
        TrialRecord above = null;
        TrialRecord below = null;
        for (TrialRecord neighbour : neighbours(knob, history)) {
            OptionalDouble value = KnobLiterals.number(neighbour.knobs().get(name));
            if (value.isEmpty()) {
                continue;
            }
            double x = value.getAsDouble();
            if (x > x0 && (above == null || x < value(above, name))) {
                above = neighbour;
            } else if (x < x0 && (below == null || x > value(below, name))) {
                below = neighbour;
            }
        }
        String metric = history.metric();
        if (above != null && below != null) {
            boolean up = history.improvement(above.score(), below.score()) > 0;
            TrialRecord better = up ? above : below;
            return new Direction(up ? 1 : -1, Math.abs(scale.toUnit(value(better, name)) - u0),
                    String.format(Locale.ROOT, "%s = %s (trial %d, %s %.4g) and %s (trial %d, %s %.4g) bracket the best; "
                            + "narrowing towards the better side", name, below.knobs().get(name), below.number(),
                            metric, below.score(), above.knobs().get(name), above.number(), metric, above.score()));
        }
        if (above != null || below != null) {
            TrialRecord side = above != null ? above : below;
            return new Direction(above != null ? -1 : 1, 0, String.format(Locale.ROOT, 
                    "%s = %s (trial %d) scored %s %.4g, no better than the best; trying the other side", name,
                    side.knobs().get(name), side.number(), metric, side.score()));
        }
        double momentum = 0;
        double weight = 1;
        Change latestScored = null;
        for (Change change : evidence.changes().reversed()) {
            OptionalDouble from = KnobLiterals.number(change.from());
            OptionalDouble to = KnobLiterals.number(change.to());
            if (change.improvement().isEmpty() || from.isEmpty() || to.isEmpty()) {
                continue;
            }
            latestScored = latestScored == null ? change : latestScored;
            momentum += weight * Math.signum(to.getAsDouble() - from.getAsDouble()) * change.improvement().get();
            weight *= RECENCY;
        }
        if (momentum != 0) {
            int sign = momentum > 0 ? 1 : -1;
            return new Direction(sign, 0, String.format(Locale.ROOT, 
                    "changes of %s have paid off going %s (latest: trial %d, %s → %s, %s %+.4g against its parent)",
                    name, sign > 0 ? "up" : "down", latestScored.trial().number(), latestScored.from(),
                    latestScored.to(), metric, history.goal().improvement(latestScored.improvement().get(), 0)));
        }
        int sign = random.nextBoolean() ? 1 : -1;
        return new Direction(sign, 0, "nothing measured around the best's " + name + " yet; exploring "
                + (sign > 0 ? "upwards" : "downwards"));
    }

    private static void addNumeric(Map<String, Candidate> out, KnobScale scale, Limits limits, double x0, double unit,
            int sign, String reason) {
        double value = scale.valueAt(unit);
        if (value == x0 && scale.isInteger() && sign != 0) {
            value = x0 + sign;
        }
        if (value != x0 && limits.allows(value)) {
            String literal = scale.literal(value);
            out.putIfAbsent(literal, new Candidate(literal, reason));
        }
    }

    /** The knob's hard range, tightened by budget failures (exclusive) and with broken values excluded. */
    private record Limits(Knob knob, Double lowerFail, Double upperFail, Set<Double> broken, String note) {

        static Limits of(Knob knob, double x0, KnobEvidence evidence) {
            Double lower = null;
            Double upper = null;
            Set<Double> broken = new HashSet<>();
            List<String> notes = new ArrayList<>();
            for (Change change : evidence.changes()) {
                OptionalDouble from = KnobLiterals.number(change.from());
                OptionalDouble to = KnobLiterals.number(change.to());
                if (from.isEmpty() || to.isEmpty()) {
                    continue;
                }
                double failed = to.getAsDouble();
                Outcome outcome = change.trial().outcome();
                if (outcome == Outcome.OVER_BUDGET && failed > from.getAsDouble() && failed > x0) {
                    upper = upper == null ? failed : Math.min(upper, failed);
                } else if (outcome == Outcome.OVER_BUDGET && failed < from.getAsDouble() && failed < x0) {
                    lower = lower == null ? failed : Math.max(lower, failed);
                }
                if (outcome == Outcome.OVER_BUDGET || outcome == Outcome.BROKEN) {
                    broken.add(failed);
                    notes.add(change.to() + " ended " + change.trial().label() + " (trial " + change.trial().number()
                            + ")");
                }
            }
            String note = notes.isEmpty() ? "" : "; avoiding " + String.join(", ", notes);
            return new Limits(knob, lower, upper, Set.copyOf(broken), note);
        }

        boolean allows(double value) {
            return value >= knob.min() && value <= knob.max() && !broken.contains(value)
                    && (lowerFail == null || value > lowerFail) && (upperFail == null || value < upperFail);
        }
    }

    private static List<Candidate> choices(Knob knob, String current, KnobEvidence evidence, CampaignHistory history,
            Random random) {
        String name = knob.name();
        String value = KnobLiterals.unquote(current);
        Set<String> failed = new HashSet<>();
        for (Change change : evidence.changes()) {
            if (change.trial().outcome() == Outcome.OVER_BUDGET || change.trial().outcome() == Outcome.BROKEN) {
                failed.add(KnobLiterals.unquote(change.to()));
            }
        }
        Map<String, TrialRecord> measured = new LinkedHashMap<>();
        for (TrialRecord neighbour : neighbours(knob, history)) {
            measured.merge(KnobLiterals.unquote(neighbour.knobs().get(name)), neighbour,
                    (a, b) -> history.improvement(b.score(), a.score()) > 0 ? b : a);
        }
        List<String> untried = new ArrayList<>();
        List<String> tried = new ArrayList<>();
        for (Object choice : knob.choices() == null ? List.of() : knob.choices()) {
            String option = Objects.toString(choice);
            if (option.equals(value) || failed.contains(option)) {
                continue;
            }
            (measured.containsKey(option) ? tried : untried).add(option);
        }
        Collections.shuffle(untried, random);
        tried.sort((a, b) -> Double.compare(history.improvement(measured.get(b).score(), measured.get(a).score()), 0));
        List<Candidate> out = new ArrayList<>();
        for (String option : untried) {
            out.add(new Candidate(choiceLiteral(knob, option, current), name + " = " + option
                    + " was never measured with the best's other settings"));
        }
        for (String option : tried) {
            TrialRecord trial = measured.get(option);
            out.add(new Candidate(choiceLiteral(knob, option, current), String.format(Locale.ROOT,
                    "%s = %s scored %s %.4g in trial %d next to the best; worth another look alongside a second change",
                    name, option,
                    history.metric(), trial.score(), trial.number())));
        }
        return out;
    }

    /** The Python literal for one of a choice knob's options, quoted the way {@code current} is. */
    static String choiceLiteral(Knob knob, String option, String current) {
        String unquoted = KnobLiterals.unquote(current);
        String quote = current.length() > unquoted.length() ? current.substring(0, 1) : "\"";
        Object choice = knob.choices().stream().filter(c -> Objects.toString(c).equals(option)).findFirst()
                .orElse(option);
        return choice instanceof String text ? quote + text + quote : Objects.toString(choice);
    }

    /** Scored trials whose knobs equal the best's except for {@code knob}: the best's neighbours along it. */
    private static List<TrialRecord> neighbours(Knob knob, CampaignHistory history) {
        TrialRecord best = history.best();
        String name = knob.name();
        return history.trials().stream()
                .filter(TrialRecord::isScored)
                .filter(trial -> trial.knobs().get(name) != null
                        && !trial.knobs().get(name).equals(best.knobs().get(name)))
                .filter(trial -> best.knobs().entrySet().stream().allMatch(entry -> entry.getKey().equals(name)
                        || Objects.equals(entry.getValue(), trial.knobs().get(entry.getKey()))))
                .toList();
    }

    private static double value(TrialRecord trial, String name) {
        return KnobLiterals.number(trial.knobs().get(name)).orElseThrow();
    }
}
