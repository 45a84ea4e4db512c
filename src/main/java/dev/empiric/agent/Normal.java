package dev.empiric.agent;

/**
 * The standard normal distribution, as far as the knob model needs it: density, distribution
 * function (also as a logarithm, which stays finite far in the tail where an expected improvement
 * or a feasibility probability underflows) and quantile. The JDK has no {@code erf}; the
 * approximations below are accurate to about 1e-7 relative, far below anything the search can
 * resolve.
 */
final class Normal {

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private Normal() {}

    static double density(double z) {
        return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
    }

    static double cdf(double z) {
        return Math.exp(logCdf(z));
    }

    /**
     * log Φ(z) from the complementary error function in the Chebyshev form of Numerical Recipes
     * (erfc(x) = t exp(-x² + P(t)), t = 1 / (1 + x/2)), which is relatively accurate in the tail.
     */
    static double logCdf(double z) {
        double x = -z / Math.sqrt(2);
        double ax = Math.abs(x);
        double t = 1 / (1 + 0.5 * ax);
        double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double logErfc = Math.log(t) - ax * ax + poly;
        return x >= 0 ? logErfc - Math.log(2) : Math.log1p(-0.5 * Math.exp(logErfc));
    }

    /** Φ⁻¹(p) by Acklam's rational approximation, for 0 < p < 1. */
    static double quantile(double p) {
        if (p <= 0 || p >= 1) {
            throw new IllegalArgumentException("quantile of " + p);
        }
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return tail(q);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -tail(q);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
                / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                        + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);
    }

    private static double tail(double q) {
        return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
                - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
                        + 3.754408661907416e+00) * q + 1);
    }

    /**
     * log of the expected improvement of a normal N(mean, sd²) over {@code target}, finite also where
     * the improvement itself underflows: EI = sd (φ(z) + z Φ(z)), z = (mean - target) / sd, and for very
     * negative z, φ(z) + z Φ(z) ≈ φ(z) (1/z² - 3/z⁴ + 15/z⁶) (the asymptotic series of Mills' ratio).
     */
    static double logExpectedImprovement(double mean, double sd, double target) {
        double z = (mean - target) / sd;
        if (z > -6) {
            return Math.log(sd) + Math.log(Math.max(density(z) + z * cdf(z), Double.MIN_NORMAL));
        }
        double z2 = z * z;
        return Math.log(sd) - 0.5 * z2 - LOG_SQRT_2PI + Math.log(1 / z2 - 3 / (z2 * z2) + 15 / (z2 * z2 * z2));
    }
}
