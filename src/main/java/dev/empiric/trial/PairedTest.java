package dev.empiric.trial;

import java.util.List;

/**
 * The one-sided paired t-test a confirmation decides with: do the paired gains (candidate minus
 * incumbent on the same seed set, in the metric's good direction) exceed {@code minDelta} on average?
 * Pairing removes what the seed does to both recipes alike; the test needs at least two pairs (one
 * pair has no spread) and, with as few as the confirmation budget allows, it is only as good as the
 * gains are roughly normal, which is why a confirmation adds its own conservative rules around it
 * ({@link Confirmation}).
 *
 * @param t the statistic (mean gain - minDelta) / (standard deviation / sqrt(pairs)); infinite when
 *          every gain is the same
 * @param pValue the probability of a t at least this large if the true mean gain were minDelta
 */
public record PairedTest(int pairs, double meanGain, double standardDeviation, double minDelta, double t,
        int degreesOfFreedom, double pValue) {

    public static PairedTest of(List<Double> gains, double minDelta) {
        if (gains.size() < 2) {
            throw new IllegalArgumentException("a paired t-test needs at least two pairs, not " + gains.size());
        }
        int n = gains.size();
        double mean = gains.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double squares = gains.stream().mapToDouble(gain -> (gain - mean) * (gain - mean)).sum();
        double sd = Math.sqrt(squares / (n - 1));
        double excess = mean - minDelta;
        double t = sd > 0 ? excess / (sd / Math.sqrt(n)) : excess > 0 ? Double.POSITIVE_INFINITY
                : excess < 0 ? Double.NEGATIVE_INFINITY : 0.0;
        return new PairedTest(n, mean, sd, minDelta, t, n - 1, upperTail(t, n - 1));
    }

    /**
     * P(T > t) for Student's t with {@code df} (a whole number) degrees of freedom, in closed form
     * (Abramowitz and Stegun 26.7.3-4): exact for the small df a confirmation has, no library needed.
     */
    static double upperTail(double t, int df) {
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (t == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        if (t == Double.NEGATIVE_INFINITY) {
            return 1.0;
        }
        double within = centralProbability(Math.abs(t), df);
        return t >= 0 ? (1 - within) / 2 : (1 + within) / 2;
    }

    /** P(|T| < t) for t >= 0. */
    private static double centralProbability(double t, int df) {
        double theta = Math.atan(t / Math.sqrt(df));
        double cos2 = Math.cos(theta) * Math.cos(theta);
        if (df % 2 == 0) {
            double term = 1;
            double sum = 1;
            for (int k = 1; k <= (df - 2) / 2; k++) {
                term *= cos2 * (2 * k - 1) / (2.0 * k);
                sum += term;
            }
            return Math.sin(theta) * sum;
        }
        if (df == 1) {
            return 2 * theta / Math.PI;
        }
        double term = 1;
        double sum = 1;
        for (int k = 1; k <= (df - 3) / 2; k++) {
            term *= cos2 * (2.0 * k) / (2 * k + 1);
            sum += term;
        }
        return 2 / Math.PI * (theta + Math.sin(theta) * Math.cos(theta) * sum);
    }
}
