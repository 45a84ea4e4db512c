package dev.empiric.agent;

import dev.empiric.environment.KnobLiterals;
import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * An environment's knobs as one search space for the knob model. Each numeric knob is a coordinate
 * in [0, 1], through the logarithm for log knobs (so 0.001 → 0.01 is as far as 0.1 → 1); each choice
 * knob is the index of its option. Points decode to the literals {@link KnobScale} writes (integers,
 * floats to three significant digits), and {@link #snap} sends a point to the point of the literals
 * it decodes to, so the model scores exactly the recipe it would propose.
 *
 * <p>Distances treat every numeric coordinate alike and count a different option of a choice knob
 * as 1 (a one-hot embedding scaled by 1/√2), which keeps kernels over this space positive definite.
 */
final class KnobSpace {

    /**
     * A change smaller than this (in [0, 1] units) on every numeric knob, with the same options, is
     * the same recipe as far as a measurement can tell: proposing it would re-roll noise, not learn.
     */
    static final double MIN_STEP = 0.02;

    private final List<Knob> knobs;

    private KnobSpace(List<Knob> knobs) {
        this.knobs = List.copyOf(knobs);
    }

    /** The searchable knobs among {@code knobs}: choices with two or more options, numbers with a range. */
    static KnobSpace of(List<Knob> knobs) {
        List<Knob> usable = new ArrayList<>();
        for (Knob knob : knobs) {
            boolean choice = "choice".equals(knob.type());
            if (choice ? knob.choices() != null && knob.choices().size() >= 2
                    : knob.min() != null && knob.max() != null && knob.max() > knob.min()) {
                usable.add(knob);
            }
        }
        return new KnobSpace(usable);
    }

    int size() {
        return knobs.size();
    }

    Knob knob(int index) {
        return knobs.get(index);
    }

    boolean isChoice(int index) {
        return "choice".equals(knobs.get(index).type());
    }

    boolean[] choiceMask() {
        boolean[] mask = new boolean[size()];
        for (int i = 0; i < size(); i++) {
            mask[i] = isChoice(i);
        }
        return mask;
    }

    private int options(int index) {
        return knobs.get(index).choices().size();
    }

    /** The point of a recipe's knob literals; empty when a knob is missing or not a literal of its type. */
    Optional<double[]> encode(Map<String, String> literals) {
        double[] point = new double[size()];
        for (int i = 0; i < size(); i++) {
            String literal = literals.get(knobs.get(i).name());
            if (literal == null) {
                return Optional.empty();
            }
            if (isChoice(i)) {
                int option = optionIndex(i, KnobLiterals.unquote(literal));
                if (option < 0) {
                    return Optional.empty();
                }
                point[i] = option;
            } else {
                OptionalDouble value = KnobLiterals.number(literal);
                if (value.isEmpty() || !Double.isFinite(value.getAsDouble())) {
                    return Optional.empty();
                }
                point[i] = unit(i, value.getAsDouble());
            }
        }
        return Optional.of(point);
    }

    /** The literals of a point; choice literals are quoted the way {@code style} (the best's literals) quotes them. */
    Map<String, String> literals(double[] point, Map<String, String> style) {
        Map<String, String> literals = new LinkedHashMap<>();
        for (int i = 0; i < size(); i++) {
            Knob knob = knobs.get(i);
            if (isChoice(i)) {
                String option = Objects.toString(knob.choices().get((int) point[i]));
                literals.put(knob.name(), KnobSearch.choiceLiteral(knob, option, style.getOrDefault(knob.name(), "")));
            } else {
                KnobScale scale = new KnobScale(knob);
                literals.put(knob.name(), scale.literal(value(i, point[i])));
            }
        }
        return literals;
    }

    /** The point of the literals that {@code point} decodes to. */
    double[] snap(double[] point) {
        double[] snapped = point.clone();
        for (int i = 0; i < size(); i++) {
            if (isChoice(i)) {
                snapped[i] = Math.clamp(Math.round(point[i]), 0, options(i) - 1);
            } else {
                snapped[i] = unit(i, value(i, Math.clamp(point[i], 0, 1)));
            }
        }
        return snapped;
    }

    /** A uniform draw: every numeric coordinate uniform in [0, 1] (log-uniform in value for log knobs), every option alike. */
    double[] random(Random random) {
        double[] point = new double[size()];
        for (int i = 0; i < size(); i++) {
            point[i] = isChoice(i) ? random.nextInt(options(i)) : random.nextDouble();
        }
        return snap(point);
    }

    /**
     * A move from {@code centre}: each knob changes with probability {@code share} (at least one
     * does), a numeric one by a normal step of {@code step} (reflected into [0, 1]), a choice one to
     * another option.
     */
    double[] perturb(double[] centre, double share, double step, Random random) {
        double[] point = centre.clone();
        int forced = random.nextInt(size());
        for (int i = 0; i < size(); i++) {
            if (i != forced && random.nextDouble() >= share) {
                continue;
            }
            if (isChoice(i)) {
                point[i] = (centre[i] + 1 + random.nextInt(options(i) - 1)) % options(i);
            } else {
                double moved = centre[i] + step * random.nextGaussian();
                moved = moved < 0 ? -moved : moved > 1 ? 2 - moved : moved;
                point[i] = Math.clamp(moved, 0, 1);
            }
        }
        return snap(point);
    }

    /** Squared distance: numeric differences squared, plus 1 for every choice knob set differently. */
    double distanceSquared(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < size(); i++) {
            double d = isChoice(i) ? (a[i] == b[i] ? 0 : 1) : a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /** Whether two points are one recipe as far as a measurement can tell (see {@link #MIN_STEP}). */
    boolean indistinguishable(double[] a, double[] b) {
        for (int i = 0; i < size(); i++) {
            if (isChoice(i) ? a[i] != b[i] : Math.abs(a[i] - b[i]) >= MIN_STEP) {
                return false;
            }
        }
        return true;
    }

    private int optionIndex(int index, String option) {
        List<Object> choices = knobs.get(index).choices();
        for (int j = 0; j < choices.size(); j++) {
            if (Objects.toString(choices.get(j)).equals(option)) {
                return j;
            }
        }
        return -1;
    }

    private double unit(int index, double value) {
        Knob knob = knobs.get(index);
        KnobScale scale = new KnobScale(knob);
        double clamped = Math.clamp(value, knob.min(), knob.max());
        return (scale.toUnit(clamped) - scale.minUnit()) / (scale.maxUnit() - scale.minUnit());
    }

    private double value(int index, double unit) {
        KnobScale scale = new KnobScale(knobs.get(index));
        return scale.valueAt(scale.minUnit() + unit * (scale.maxUnit() - scale.minUnit()));
    }
}
