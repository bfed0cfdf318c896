package dev.vectorcnn.bench;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * EJML's matrix products on the thread count of the run, so that a baseline runs on as many threads
 * as vectorcnn does beside it: the single-threaded operations for 1 thread, the concurrent ones
 * (bounded by {@link BenchThreads#apply}) for more.
 */
final class EjmlProducts {

    private EjmlProducts() {
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
}
