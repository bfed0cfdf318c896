package dev.vectorcnn.kernels;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The scalar GEMM: the fallback when the Vector API is absent, and the plain reference the fast
 * path is read against. Arguments are trusted (checked by {@link Gemm}).
 *
 * <p>Rows are independent, so chunks of rows run in parallel; each element is summed over k in
 * order whatever the chunking, so the result does not depend on the thread count.
 */
final class ScalarGemm {

    /** Rows per parallel chunk: enough work per chunk to amortise the hand-off. */
    private static final int ROWS_PER_CHUNK = 16;

    /**
     * Below this many multiply-adds a call stays on the calling thread: handing a chunk to a parked worker
     * costs tens of microseconds (a 32 x 2 x 2 product took 40 us on 2 threads against 3 us on 1).
     */
    private static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 16;

    private ScalarGemm() {
    }

    static void multiply(boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float[] a, int aOffset, int lda,
                         float[] b, int bOffset, int ldb,
                         float beta, float[] c, int cOffset, int ldc, Epilogue epilogue) {
        // Bounds in long and a ceilDiv: near Integer.MAX_VALUE rows the int sums overflow, and no chunk ran.
        int chunks = Math.ceilDiv(m, ROWS_PER_CHUNK);
        IntConsumer rows = chunk -> {
            float[] row = new float[n];
            int end = (int) Math.min(m, (chunk + 1L) * ROWS_PER_CHUNK);
            for (int i = chunk * ROWS_PER_CHUNK; i < end; i++) {
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
        };
        if ((long) m * n * k < PARALLEL_MIN_MULTIPLY_ADDS) {
            for (int chunk = 0; chunk < chunks; chunk++) {
                rows.accept(chunk);
            }
        } else {
            KernelThreads.parallelFor(chunks, rows);
        }
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
