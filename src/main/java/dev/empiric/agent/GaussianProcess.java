package dev.empiric.agent;

import java.util.Arrays;

/**
 * Gaussian-process regression over a {@link KnobSpace}: the knob model's surrogate of the score.
 * Constant mean (the targets' average), a Matérn-5/2 kernel with one lengthscale per knob
 * (automatic relevance determination: a knob that does not matter gets a long lengthscale), a
 * signal variance and an observation noise.
 *
 * <p>The hyperparameters are the maximum a posteriori estimate, found by a deterministic
 * coordinate search in log space. The lengthscale prior is log-normal around 0.5 × √knobs, so that
 * with few trials in many dimensions the model stays smooth and extrapolates trends (Hvarfner et al.
 * 2024, "Vanilla Bayesian optimization performs great in high dimensions"), and fairly tight
 * (0.5 in log units): with a few dozen points a loose prior lets the fit collapse one lengthscale,
 * after which every point is its own island and the model predicts nothing (on recipes measured in
 * digits campaigns, leave-one-out rank correlation −0.10 with a loose prior on raw scores, 0.88 with
 * this prior on warped scores). Dozens to a few hundred points: exact Cholesky algebra.
 */
final class GaussianProcess {

    private static final double SQRT5 = Math.sqrt(5);
    private static final double LENGTHSCALE_PRIOR_SD = 0.5;
    private static final double SIGNAL_PRIOR_SD = 1.0;
    private static final double NOISE_PRIOR_MEAN = Math.log(1e-2);
    private static final double NOISE_PRIOR_SD = 2.0;
    private static final double MIN_NOISE = 1e-6;
    private static final double[] STEPS = {Math.log(4), Math.log(2), Math.log(Math.sqrt(2))};

    private final boolean[] choice;
    private final double[][] x;
    private final double[] y;
    private final double mean;
    private final double[] lengthscales;
    private final double signal;
    private final double noise;
    private final Cholesky cholesky;
    private final double[] alpha;

    private GaussianProcess(boolean[] choice, double[][] x, double[] y, double mean, double[] lengthscales,
            double signal, double noise) {
        this.choice = choice;
        this.x = x;
        this.y = y;
        this.mean = mean;
        this.lengthscales = lengthscales;
        this.signal = signal;
        this.noise = noise;
        this.cholesky = new Cholesky(covariance(x, choice, lengthscales, signal, noise));
        double[] centred = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            centred[i] = y[i] - mean;
        }
        this.alpha = cholesky.solve(centred);
    }

    /** Fits the hyperparameters to the data (at least one point) and returns the conditioned process. */
    static GaussianProcess fit(boolean[] choice, double[][] x, double[] y) {
        int dims = choice.length;
        double mean = Arrays.stream(y).average().orElse(0);
        double variance = Math.max(Arrays.stream(y).map(v -> (v - mean) * (v - mean)).average().orElse(1), 1e-4);
        double lengthscaleMode = Math.log(0.5 * Math.sqrt(Math.max(dims, 1)));
        double[] prior = new double[dims + 2];
        Arrays.fill(prior, 0, dims, lengthscaleMode);
        prior[dims] = Math.log(variance);
        prior[dims + 1] = Math.log(variance) + NOISE_PRIOR_MEAN;
        double[][] squared = squaredDifferences(x, choice);
        double[] theta = prior.clone();
        double best = logPosterior(theta, prior, squared, y, mean, variance);
        for (double step : STEPS) {
            for (int j = 0; j < theta.length; j++) {
                for (double direction : new double[] {1, -1}) {
                    boolean moved = false;
                    for (int tries = 0; tries < 4; tries++) {
                        double[] next = theta.clone();
                        next[j] += direction * step;
                        double value = logPosterior(next, prior, squared, y, mean, variance);
                        if (!(value > best)) {
                            break;
                        }
                        theta = next;
                        best = value;
                        moved = true;
                    }
                    if (moved) {
                        break;
                    }
                }
            }
        }
        double[] lengthscales = new double[dims];
        for (int j = 0; j < dims; j++) {
            lengthscales[j] = Math.exp(theta[j]);
        }
        return new GaussianProcess(choice, x, y, mean, lengthscales, Math.exp(theta[dims]),
                Math.max(Math.exp(theta[dims + 1]), MIN_NOISE * variance));
    }

    /**
     * The same process, also conditioned on {@code points} observed at the values it predicts there
     * (the "kriging believer"): recipes queued or running count as measured at their expected score,
     * so the next proposal is not their twin. Hyperparameters stay as fitted.
     */
    GaussianProcess believing(double[][] points) {
        if (points.length == 0) {
            return this;
        }
        double[][] xs = Arrays.copyOf(x, x.length + points.length);
        double[] ys = Arrays.copyOf(y, y.length + points.length);
        for (int i = 0; i < points.length; i++) {
            xs[x.length + i] = points[i];
            ys[y.length + i] = predict(points[i])[0];
        }
        return new GaussianProcess(choice, xs, ys, mean, lengthscales, signal, noise);
    }

    /** Posterior mean and variance of the latent function (without observation noise) at a point. */
    double[] predict(double[] point) {
        double[] k = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double r2 = 0;
            for (int j = 0; j < point.length; j++) {
                double d = choice[j] ? (point[j] == x[i][j] ? 0 : 1) : point[j] - x[i][j];
                r2 += d * d / (lengthscales[j] * lengthscales[j]);
            }
            k[i] = matern(r2, signal);
        }
        double value = mean;
        for (int i = 0; i < k.length; i++) {
            value += k[i] * alpha[i];
        }
        double[] v = cholesky.forward(k);
        double explained = 0;
        for (double vi : v) {
            explained += vi * vi;
        }
        return new double[] {value, Math.max(signal - explained, 1e-12 * signal)};
    }

    /** The fitted observation noise variance, in the units of the targets. */
    double noise() {
        return noise;
    }

    double lengthscale(int knob) {
        return lengthscales[knob];
    }

    private static double matern(double r2, double signal) {
        double r = Math.sqrt(r2);
        return signal * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
    }

    /** Per knob, the squared difference of every pair of points (1 for two different options). */
    private static double[][] squaredDifferences(double[][] x, boolean[] choice) {
        int n = x.length;
        double[][] squared = new double[choice.length][n * n];
        for (int j = 0; j < choice.length; j++) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < a; b++) {
                    double d = choice[j] ? (x[a][j] == x[b][j] ? 0 : 1) : x[a][j] - x[b][j];
                    squared[j][a * n + b] = d * d;
                }
            }
        }
        return squared;
    }

    private static double[][] covariance(double[][] x, boolean[] choice, double[] lengthscales, double signal,
            double noise) {
        double[][] squared = squaredDifferences(x, choice);
        double[] inverse = new double[lengthscales.length];
        for (int j = 0; j < lengthscales.length; j++) {
            inverse[j] = 1 / (lengthscales[j] * lengthscales[j]);
        }
        return covariance(squared, x.length, inverse, signal, noise);
    }

    private static double[][] covariance(double[][] squared, int n, double[] inverseSquaredLengthscales, double signal,
            double noise) {
        double[][] k = new double[n][n];
        for (int a = 0; a < n; a++) {
            k[a][a] = signal + noise + 1e-9 * signal;
            for (int b = 0; b < a; b++) {
                double r2 = 0;
                for (int j = 0; j < squared.length; j++) {
                    r2 += squared[j][a * n + b] * inverseSquaredLengthscales[j];
                }
                k[a][b] = matern(r2, signal);
                k[b][a] = k[a][b];
            }
        }
        return k;
    }

    /** Log marginal likelihood plus log prior (normal in log space) of hyperparameters {@code theta}. */
    private static double logPosterior(double[] theta, double[] prior, double[][] squared, double[] y, double mean,
            double variance) {
        int dims = theta.length - 2;
        double noise = Math.exp(theta[dims + 1]);
        if (noise < MIN_NOISE * variance || noise > variance || Math.abs(theta[dims] - prior[dims]) > 5) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] inverse = new double[dims];
        double logPrior = 0;
        for (int j = 0; j < dims; j++) {
            if (Math.abs(theta[j] - prior[j]) > 6) {
                return Double.NEGATIVE_INFINITY;
            }
            inverse[j] = Math.exp(-2 * theta[j]);
            logPrior -= square((theta[j] - prior[j]) / LENGTHSCALE_PRIOR_SD) / 2;
        }
        logPrior -= square((theta[dims] - prior[dims]) / SIGNAL_PRIOR_SD) / 2;
        logPrior -= square((theta[dims + 1] - prior[dims + 1]) / NOISE_PRIOR_SD) / 2;
        int n = y.length;
        Cholesky l;
        try {
            l = new Cholesky(covariance(squared, n, inverse, Math.exp(theta[dims]), noise));
        } catch (ArithmeticException notPositive) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] centred = new double[n];
        for (int i = 0; i < n; i++) {
            centred[i] = y[i] - mean;
        }
        double[] z = l.forward(centred);
        double fit = 0;
        for (double zi : z) {
            fit += zi * zi;
        }
        return -0.5 * fit - 0.5 * l.logDeterminant() + logPrior;
    }

    private static double square(double v) {
        return v * v;
    }
}
