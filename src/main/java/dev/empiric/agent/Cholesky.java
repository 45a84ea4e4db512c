package dev.empiric.agent;

/**
 * The Cholesky factor L (lower, L Lᵀ = A) of a symmetric positive definite matrix, and the two
 * triangular solves the knob model's regressions need. Small dense matrices only (up to a few
 * hundred rows).
 */
final class Cholesky {

    private final double[][] lower;

    /** Factors {@code a}; throws {@link ArithmeticException} if it is not positive definite. */
    Cholesky(double[][] a) {
        int n = a.length;
        lower = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] li = lower[i];
            for (int j = 0; j <= i; j++) {
                double[] lj = lower[j];
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= li[k] * lj[k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new ArithmeticException("the matrix is not positive definite");
                    }
                    li[i] = Math.sqrt(sum);
                } else {
                    li[j] = sum / lj[j];
                }
            }
        }
    }

    /** Solves L z = b. */
    double[] forward(double[] b) {
        double[] z = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= lower[i][k] * z[k];
            }
            z[i] = sum / lower[i][i];
        }
        return z;
    }

    /** Solves Lᵀ x = z. */
    double[] backward(double[] z) {
        double[] x = new double[z.length];
        for (int i = z.length - 1; i >= 0; i--) {
            double sum = z[i];
            for (int k = i + 1; k < z.length; k++) {
                sum -= lower[k][i] * x[k];
            }
            x[i] = sum / lower[i][i];
        }
        return x;
    }

    /** Solves A x = b. */
    double[] solve(double[] b) {
        return backward(forward(b));
    }

    /** log det A. */
    double logDeterminant() {
        double sum = 0;
        for (int i = 0; i < lower.length; i++) {
            sum += Math.log(lower[i][i]);
        }
        return 2 * sum;
    }
}
