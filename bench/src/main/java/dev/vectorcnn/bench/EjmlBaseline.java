package dev.vectorcnn.bench;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * What the EJML baselines run: EJML's matrix products on the thread count of the run, so that a
 * baseline runs on as many threads as vectorcnn does beside it (the single-threaded operations for 1
 * thread, the concurrent ones, bounded by {@link BenchThreads#apply}, for more), and the plain loops
 * around them that EJML has no operation for.
 */
final class EjmlBaseline {

    private EjmlBaseline() {
    }

    /** {@code c = a * b}. */
    static void multiply(int threads, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        if (BenchThreads.count(threads) == 1) {
            CommonOps_FDRM.mult(a, b, c);
        } else {
            CommonOps_MT_FDRM.mult(a, b, c);
        }
    }

    /** {@code c = a^T * b}. */
    static void multiplyTransA(int threads, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        if (BenchThreads.count(threads) == 1) {
            CommonOps_FDRM.multTransA(a, b, c);
        } else {
            CommonOps_MT_FDRM.multTransA(a, b, c);
        }
    }

    /** {@code c = a * b^T}. */
    static void multiplyTransB(int threads, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        if (BenchThreads.count(threads) == 1) {
            CommonOps_FDRM.multTransB(a, b, c);
        } else {
            CommonOps_MT_FDRM.multTransB(a, b, c);
        }
    }

    /** {@code values[i][j] = max(values[i][j] + bias[j], 0)} over rows of {@code columns}. */
    static void biasRelu(float[] values, float[] bias, int columns) {
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(values[i] + bias[i % columns], 0f);
        }
    }

    /** {@code sums[j] = sum over rows of values[i][j]}. */
    static void columnSums(float[] values, int columns, float[] sums) {
        Arrays.fill(sums, 0, columns, 0f);
        for (int i = 0; i < values.length; i++) {
            sums[i % columns] += values[i];
        }
    }
}
