package dev.vectorcnn.kernels;

/**
 * The test oracle: a plain triple loop in double precision, written independently of the library,
 * plus the error bound a float GEMM must meet against it.
 */
final class GemmReference {

    /** Half the gap between 1 and the next float: the largest relative error of one rounding. */
    private static final double UNIT_ROUNDOFF = Math.ulp(1f) / 2;

    private GemmReference() {
    }

    /** {@code act(alpha*op(A)op(B) + beta*C + bias)} in double; C is read only when beta != 0. */
    static double[] multiply(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                             float[] bias, int biasOff, boolean relu) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) elementA(ta, a, aOff, lda, i, p) * elementB(tb, b, bOff, ldb, p, j);
                }
                double v = alpha * sum;
                if (beta != 0f) {
                    v += (double) beta * c[cOff + i * ldc + j];
                }
                if (bias != null) {
                    v += bias[biasOff + j];
                }
                if (relu) {
                    v = Math.max(v, 0);
                }
                out[i * n + j] = v;
            }
        }
        return out;
    }

    /**
     * The largest error a float GEMM may make on element (i, j): k products summed in float, in any order
     * and with or without FMA, lose at most gamma_k = k*u / (1 - k*u) of the sum of their magnitudes, u
     * the unit roundoff 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 3.1); the
     * scaling by alpha, beta * C and the two additions after it add 4 roundings, hence gamma_(k+4). The
     * double-precision reference errs by about 2^-29 as much, which this neglects.
     */
    static double tolerance(boolean ta, boolean tb, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                            float[] bias, int biasOff, int i, int j) {
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
            magnitude += Math.abs((double) elementA(ta, a, aOff, lda, i, p) * elementB(tb, b, bOff, ldb, p, j));
        }
        magnitude *= Math.abs(alpha);
        if (beta != 0f) {
            magnitude += Math.abs((double) beta * c[cOff + i * ldc + j]);
        }
        if (bias != null) {
            magnitude += Math.abs(bias[biasOff + j]);
        }
        double roundings = (k + 4) * UNIT_ROUNDOFF;
        return roundings / (1 - roundings) * magnitude + Float.MIN_NORMAL;
    }

    static float elementA(boolean ta, float[] a, int aOff, int lda, int i, int p) {
        return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    static float elementB(boolean tb, float[] b, int bOff, int ldb, int p, int j) {
        return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }
}
