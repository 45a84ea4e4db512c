package dev.empiric.agent;

import dev.empiric.environment.EnvironmentSpec.Knob;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The search space of one numeric knob: steps are taken in "units", which are the logarithm of the
 * value for log knobs (so 0.001 → 0.01 is as far as 0.1 → 1) and the value itself otherwise. Values
 * are rounded to integers or to three significant digits, which keeps the grid finite and makes
 * repeats detectable.
 */
public record KnobScale(Knob knob) {

    private static final MathContext SIGNIFICANT = new MathContext(3);

    public boolean isInteger() {
        return "int".equals(knob.type());
    }

    private boolean logarithmic() {
        return knob.log() && knob.min() != null && knob.min() > 0;
    }

    public double toUnit(double value) {
        return logarithmic() ? Math.log(value) : value;
    }

    public double fromUnit(double unit) {
        return logarithmic() ? Math.exp(unit) : unit;
    }

    public double minUnit() {
        return toUnit(knob.min());
    }

    public double maxUnit() {
        return toUnit(knob.max());
    }

    /** The value nearest to {@code unit} that the knob can take, rounded and clamped to its range. */
    public double valueAt(double unit) {
        double value = Math.clamp(fromUnit(unit), knob.min(), knob.max());
        if (isInteger()) {
            return Math.clamp(Math.round(value), (long) Math.ceil(knob.min()), (long) Math.floor(knob.max()));
        }
        return value == 0 ? 0 : new BigDecimal(value).round(SIGNIFICANT).doubleValue();
    }

    /** The Python literal for a value: an integer, or a float that always carries a decimal point. */
    public String literal(double value) {
        if (isInteger()) {
            return Long.toString(Math.round(value));
        }
        String plain = new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
