package dev.vectorcnn.kernels;

/**
 * The test oracle: a plain triple loop in double precision, written independently of the library,
 * plus the error bound a float GEMM must meet against it.
 */
final class GemmReference {

    private static final double FLOAT_EPSILON = Math.ulp(1f);

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
     * The largest error a float GEMM may make on element (i, j): summing k products in float loses at
     * most about k * eps of the sum of their magnitudes (Higham, ch. 3), plus a few roundings for
     * alpha, beta, the bias and the write-back. A factor of 2 covers FMA vs separate rounding.
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
        return 2 * (k + 4) * FLOAT_EPSILON * magnitude + Float.MIN_NORMAL;
    }

    static float elementA(boolean ta, float[] a, int aOff, int lda, int i, int p) {
        return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    static float elementB(boolean tb, float[] b, int bOff, int ldb, int p, int j) {
        return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }
}
