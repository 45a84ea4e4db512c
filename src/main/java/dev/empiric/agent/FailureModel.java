package dev.empiric.agent;

import java.util.List;

/**
 * The chance that a recipe fails one particular way (times out, runs out of memory, is too big,
 * crashes, misses a gate), learned from the recipes that failed that way and the recipes that were
 * scored: a Bayesian logistic regression on the knob coordinates (numbers in [-1, 1], one indicator
 * per option of a choice knob), fitted by Newton's method with a normal prior on the weights, and
 * the Laplace approximation for its uncertainty.
 *
 * <p>Why a linear boundary: budgets are overrun by cost, and cost is close to a product of knobs
 * (epochs × width / batch size), which is linear in the log coordinates the search uses. One
 * timeout then marks the whole half-space beyond it, not a bubble around one point, which is what
 * "avoid the region once seen" needs. The prior keeps a single failure from condemning more than
 * the evidence supports, and uncertainty far from the data pulls the chance towards a half.
 */
final class FailureModel {

    /** Prior standard deviation of each weight (features span [-1, 1]). */
    private static final double PRIOR_SD = 12;
    private static final int NEWTON_STEPS = 30;

    private final KnobSpace space;
    private final double[] weights;
    private final Cholesky precision;

    private FailureModel(KnobSpace space, double[] weights, Cholesky precision) {
        this.space = space;
        this.weights = weights;
        this.precision = precision;
    }

    /** Fits the model to points that failed this way and points that ran and were scored. */
    static FailureModel fit(KnobSpace space, List<double[]> failed, List<double[]> ran) {
        int n = failed.size() + ran.size();
        double[][] features = new double[n][];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            boolean fail = i < failed.size();
            features[i] = features(space, fail ? failed.get(i) : ran.get(i - failed.size()));
            labels[i] = fail ? 1 : 0;
        }
        int d = features(space, new double[space.size()]).length;
        double[] w = new double[d];
        Cholesky precision = null;
        for (int step = 0; step < NEWTON_STEPS; step++) {
            double[] gradient = new double[d];
            double[][] hessian = new double[d][d];
            for (int j = 0; j < d; j++) {
                gradient[j] = -w[j] / (PRIOR_SD * PRIOR_SD);
                hessian[j][j] = 1 / (PRIOR_SD * PRIOR_SD);
            }
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(w, features[i]));
                double curvature = p * (1 - p);
                for (int j = 0; j < d; j++) {
                    gradient[j] += (labels[i] - p) * features[i][j];
                    for (int k = 0; k <= j; k++) {
                        hessian[j][k] += curvature * features[i][j] * features[i][k];
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < j; k++) {
                    hessian[k][j] = hessian[j][k];
                }
            }
            precision = new Cholesky(hessian);
            double[] move = precision.solve(gradient);
            double size = 0;
            for (int j = 0; j < d; j++) {
                w[j] += move[j];
                size = Math.max(size, Math.abs(move[j]));
            }
            if (size < 1e-6) {
                break;
            }
        }
        return new FailureModel(space, w, precision);
    }

    /** log of the chance that the recipe at {@code point} does not fail this way. */
    double logChanceToPass(double[] point) {
        double[] x = features(space, point);
        double mean = dot(weights, x);
        double[] z = precision.forward(x);
        double variance = dot(z, z);
        double logit = mean / Math.sqrt(1 + Math.PI * variance / 8);
        // log(1 - sigmoid(logit)) = -log(1 + e^logit), computed without overflow
        return logit > 0 ? -logit - Math.log1p(Math.exp(-logit)) : -Math.log1p(Math.exp(logit));
    }

    private static double[] features(KnobSpace space, double[] point) {
        int d = 1;
        for (int i = 0; i < space.size(); i++) {
            d += space.isChoice(i) ? space.knob(i).choices().size() : 1;
        }
        double[] x = new double[d];
        x[0] = 1;
        int at = 1;
        for (int i = 0; i < space.size(); i++) {
            if (space.isChoice(i)) {
                x[at + (int) point[i]] = 1;
                at += space.knob(i).choices().size();
            } else {
                x[at++] = 2 * point[i] - 1;
            }
        }
        return x;
    }

    private static double sigmoid(double a) {
        return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
