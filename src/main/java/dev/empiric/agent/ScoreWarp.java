package dev.empiric.agent;

import java.util.Arrays;

/**
 * Half-rank output warping (as in Google Vizier), then standardisation: values at or above the
 * median are kept as measured, values below it are replaced by normal quantiles of their rank,
 * scaled by the spread of the better half. The order is kept; outliers in the worse half no
 * longer dominate the fit. Values at or above the median (every target the search aims at) map
 * linearly, so targets and predictions there read in the metric's own units.
 */
record ScoreWarp(double median, double[] lowRaw, double[] lowWarped, double centre, double scale) {

    static ScoreWarp of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double spread = Math.sqrt(Arrays.stream(sorted).filter(v -> v >= median)
                .map(v -> (v - median) * (v - median)).average().orElse(0));
        if (spread == 0) {
            spread = 1;
        }
        int low = 0;
        while (low < n && sorted[low] < median) {
            low++;
        }
        double[] lowRaw = Arrays.copyOf(sorted, low);
        double[] lowWarped = new double[low];
        for (int i = 0; i < low; i++) {
            int first = i;
            int last = i;
            while (first > 0 && sorted[first - 1] == sorted[i]) {
                first--;
            }
            while (last + 1 < low && sorted[last + 1] == sorted[i]) {
                last++;
            }
            lowWarped[i] = median + spread * Normal.quantile(((first + last) / 2.0 + 0.5) / n);
        }
        double[] warped = Arrays.stream(values).map(v -> v >= median ? v : interpolate(v, lowRaw, lowWarped))
                .toArray();
        double centre = Arrays.stream(warped).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(warped).map(v -> (v - centre) * (v - centre)).average().orElse(0));
        return new ScoreWarp(median, lowRaw, lowWarped, centre, sd > 0 ? sd : 1);
    }

    double apply(double value) {
        double warped = value >= median ? value : interpolate(value, lowRaw, lowWarped);
        return (warped - centre) / scale;
    }

    double invert(double standardised) {
        double warped = standardised * scale + centre;
        return warped >= median ? warped : interpolate(warped, lowWarped, lowRaw);
    }

    /** Piecewise linear through (xs, ys), sorted by x; flat beyond the ends, and up to the median. */
    private static double interpolate(double x, double[] xs, double[] ys) {
        if (xs.length == 0 || x <= xs[0]) {
            return xs.length == 0 ? x : ys[0];
        }
        for (int i = 1; i < xs.length; i++) {
            if (x <= xs[i]) {
                double span = xs[i] - xs[i - 1];
                return span == 0 ? ys[i] : ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / span;
            }
        }
        return ys[xs.length - 1];
    }
}
