package dev.vectorcnn.kernels;

import java.util.Random;

/** Random operands and rounding-error bounds shared by the convolution tests. */
final class Conv2dTestData {

    /** Unit roundoff of float, 2^-24. */
    static final double FLOAT_UNIT_ROUNDOFF = Math.ulp(1f) / 2;

    private Conv2dTestData() {
    }

    static Conv2dShape shape(int batch, int height, int width, int channels, int kh, int kw, int outChannels,
                             int sh, int sw, Padding padding) {
        return new Conv2dShape(batch, height, width, channels, kh, kw, outChannels, sh, sw, padding);
    }

    /** Uniform values in [-1, 1). */
    static float[] uniform(Random random, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = random.nextFloat() * 2f - 1f;
        }
        return a;
    }

    static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Math.abs(a[i]);
        }
        return b;
    }

    /**
     * The bound on |computed - exact| for a float sum of at most {@code terms} products whose absolute
     * values add up to {@code absSum}: gamma_n * absSum with gamma_n = n*u / (1 - n*u) (Higham, Accuracy
     * and Stability of Numerical Algorithms, 3.1). Two such results, summed in different orders, differ
     * by at most twice that; one float rounding of the magnitude itself is covered by the 1% margin.
     */
    static double twoSumBound(long terms, double absSum) {
        double nu = terms * FLOAT_UNIT_ROUNDOFF;
        return 2 * 1.01 * nu / (1 - nu) * absSum + Float.MIN_NORMAL;
    }
}
