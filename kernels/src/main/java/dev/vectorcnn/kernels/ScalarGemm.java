package dev.vectorcnn.kernels;

import java.util.Arrays;

/**
 * The scalar GEMM: the fallback when the Vector API is absent, and the plain reference the fast
 * path is read against. Arguments are trusted (checked by {@link Gemm}).
 *
 * <p>Rows are independent, so chunks of rows run in parallel; each element is summed over k in
 * order whatever the chunking, so the result does not depend on the thread count.
 */
final class ScalarGemm {

    private ScalarGemm() {
    }

    static void multiply(boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float[] a, int aOffset, int lda,
                         float[] b, int bOffset, int ldb,
                         float beta, float[] c, int cOffset, int ldc, Epilogue epilogue) {
        // Rows are chunked by FixedChunks, which keeps small products on the calling thread and computes its
        // bounds in long (near Integer.MAX_VALUE rows int sums overflow).
        FixedChunks.run(m, (long) n * Math.max(k, 1), (firstRow, endRow) -> {
            float[] row = new float[n];
            for (int i = firstRow; i < endRow; i++) {
                Arrays.fill(row, 0f);
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) {
                            row[j] += aip * b[bOffset + j * ldb + p];
                        }
                    } else {
                        int bRow = bOffset + p * ldb;
                        for (int j = 0; j < n; j++) {
                            row[j] += aip * b[bRow + j];
                        }
                    }
                }
                writeRow(row, alpha, beta, c, cOffset + i * ldc, epilogue);
            }
        });
    }

    /** {@code c[j] = act(alpha*row[j] + beta*c[j] + bias[j])}; C is not read when beta is 0. */
    static void writeRow(float[] row, float alpha, float beta, float[] c, int cRow, Epilogue epilogue) {
        float[] bias = epilogue.bias();
        for (int j = 0; j < row.length; j++) {
            float v = alpha * row[j];
            if (beta != 0f) {
                v += beta * c[cRow + j];
            }
            if (bias != null) {
                v += bias[epilogue.biasOffset() + j];
            }
            if (epilogue.relu()) {
                v = Math.max(v, 0f);
            }
            c[cRow + j] = v;
        }
    }
}
