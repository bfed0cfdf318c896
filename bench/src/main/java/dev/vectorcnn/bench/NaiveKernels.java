package dev.vectorcnn.bench;

import java.util.Arrays;

/**
 * The textbook loops a user would write without the library: the "reference" baseline. Single
 * threaded, plain Java; C2 may auto-vectorise the innermost loop, as it would for the user.
 */
final class NaiveKernels {

    private NaiveKernels() {
    }

    /** {@code c[m x n] = a[m x k] * b[k x n]}, row-major, i-p-j order. */
    static void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bRow = p * n;
                int cRow = i * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += aip * b[bRow + j];
                }
            }
        }
    }
}
