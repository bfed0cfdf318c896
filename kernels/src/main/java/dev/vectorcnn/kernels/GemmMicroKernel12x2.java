package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 2-vector GEMM micro-kernel: a 12-row by 2*lanes-column tile of C held in 24
 * accumulator registers while k runs, then written back once through {@link GemmWriteBack}.
 *
 * Chosen when n <= 2*lanes (e.g. 32 output channels at 512 bits), where a 4-vector tile would
 * multiply mostly zero padding: 12 rows keep 24 accumulators busy, enough to hide the FMA latency
 * (at least 8 independent chains are needed) while wasting no columns.
 *
 * <p>A is read in place, row {@code r} at {@code a[aIndex + r*lda + p]} (the caller packs it only
 * when it is transposed or a ragged last tile); B comes packed as {@code kc} rows of
 * {@code 2*lanes} floats, zero-padded past column n. Each step broadcasts one A value per row and
 * multiplies it into every B vector: no lane reductions in the loop. The accumulators are explicit
 * locals so that C2 keeps them all in registers.
 */
final class GemmMicroKernel12x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = 2 * SPECIES.length();

    private GemmMicroKernel12x2() {
    }

    /**
     * {@code C[rows x cols] = act(alpha * A[12 x kc] * B[kc x COLUMNS] + beta * C + bias)}; only the first
     * {@code rows} rows and {@code cols} columns of the tile are written.
     */
    static void run(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex,
                    float[] c, int cIndex, int ldc, int rows, int cols,
                    float alpha, float beta, float[] bias, int biasIndex, boolean relu) {
        final int lanes = SPECIES.length();
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        FloatVector c80 = FloatVector.zero(SPECIES), c81 = FloatVector.zero(SPECIES);
        FloatVector c90 = FloatVector.zero(SPECIES), c91 = FloatVector.zero(SPECIES);
        FloatVector c100 = FloatVector.zero(SPECIES), c101 = FloatVector.zero(SPECIES);
        FloatVector c110 = FloatVector.zero(SPECIES), c111 = FloatVector.zero(SPECIES);
        final int a0 = aIndex;
        final int a1 = aIndex + 1 * lda;
        final int a2 = aIndex + 2 * lda;
        final int a3 = aIndex + 3 * lda;
        final int a4 = aIndex + 4 * lda;
        final int a5 = aIndex + 5 * lda;
        final int a6 = aIndex + 6 * lda;
        final int a7 = aIndex + 7 * lda;
        final int a8 = aIndex + 8 * lda;
        final int a9 = aIndex + 9 * lda;
        final int a10 = aIndex + 10 * lda;
        final int a11 = aIndex + 11 * lda;
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + p * COLUMNS;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(SPECIES, a[a1 + p]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(SPECIES, a[a2 + p]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(SPECIES, a[a3 + p]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(SPECIES, a[a4 + p]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(SPECIES, a[a5 + p]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(SPECIES, a[a6 + p]);
            c60 = ar.fma(b0, c60); c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(SPECIES, a[a7 + p]);
            c70 = ar.fma(b0, c70); c71 = ar.fma(b1, c71);
            ar = FloatVector.broadcast(SPECIES, a[a8 + p]);
            c80 = ar.fma(b0, c80); c81 = ar.fma(b1, c81);
            ar = FloatVector.broadcast(SPECIES, a[a9 + p]);
            c90 = ar.fma(b0, c90); c91 = ar.fma(b1, c91);
            ar = FloatVector.broadcast(SPECIES, a[a10 + p]);
            c100 = ar.fma(b0, c100); c101 = ar.fma(b1, c101);
            ar = FloatVector.broadcast(SPECIES, a[a11 + p]);
            c110 = ar.fma(b0, c110); c111 = ar.fma(b1, c111);
        }
        GemmWriteBack.store(c00, c, cIndex, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c01, c, cIndex + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 1) {
            return;
        }
        GemmWriteBack.store(c10, c, cIndex + 1 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c11, c, cIndex + 1 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 2) {
            return;
        }
        GemmWriteBack.store(c20, c, cIndex + 2 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c21, c, cIndex + 2 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 3) {
            return;
        }
        GemmWriteBack.store(c30, c, cIndex + 3 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c31, c, cIndex + 3 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 4) {
            return;
        }
        GemmWriteBack.store(c40, c, cIndex + 4 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c41, c, cIndex + 4 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 5) {
            return;
        }
        GemmWriteBack.store(c50, c, cIndex + 5 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c51, c, cIndex + 5 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 6) {
            return;
        }
        GemmWriteBack.store(c60, c, cIndex + 6 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c61, c, cIndex + 6 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 7) {
            return;
        }
        GemmWriteBack.store(c70, c, cIndex + 7 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c71, c, cIndex + 7 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 8) {
            return;
        }
        GemmWriteBack.store(c80, c, cIndex + 8 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c81, c, cIndex + 8 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 9) {
            return;
        }
        GemmWriteBack.store(c90, c, cIndex + 9 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c91, c, cIndex + 9 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 10) {
            return;
        }
        GemmWriteBack.store(c100, c, cIndex + 10 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c101, c, cIndex + 10 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        if (rows <= 11) {
            return;
        }
        GemmWriteBack.store(c110, c, cIndex + 11 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c111, c, cIndex + 11 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
    }
}
