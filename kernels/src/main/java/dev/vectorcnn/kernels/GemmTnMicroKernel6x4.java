package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 4-vector GEMM micro-kernel for a transposed A read in place: the tile of
 * {@link GemmMicroKernel6x4} with A's element (row r, depth p) at {@code a[aIndex + p*lda + r]}.
 *
 * <p>It computes the convolution filter gradient {@code patches^T x outputGrad} straight from the
 * gathered patch rows: a patch row (one output pixel) is the depth step p, and {@value #ROWS} adjacent
 * patch columns (filter taps and channels) are the tile's rows, so the {@value #ROWS} values broadcast per
 * step are contiguous and no transposed copy of the patches is ever made. B comes as {@code kc} rows
 * of {@code COLUMNS} floats (packed output-gradient rows, or the rows themselves when their width is
 * exactly {@code COLUMNS}). The caller guarantees that {@code a} holds {@value #ROWS} readable
 * values at every {@code aIndex + p*lda}, even for a ragged last tile; rows past {@code rows} are
 * computed and discarded. The accumulators are explicit locals so that C2 keeps them in registers.
 */
final class GemmTnMicroKernel6x4 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 6;
    static final int COLUMNS = 4 * SPECIES.length();

    private GemmTnMicroKernel6x4() {
    }

    /**
     * {@code C[rows x cols] = act(alpha * A^T[6 x kc] * B[kc x COLUMNS] + beta * C + bias)}; only the first
     * {@code rows} rows and {@code cols} columns of the tile are written.
     */
    static void run(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex,
                    float[] c, int cIndex, int ldc, int rows, int cols,
                    float alpha, float beta, float[] bias, int biasIndex, boolean relu) {
        final int lanes = SPECIES.length();
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES), c02 = FloatVector.zero(SPECIES), c03 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES), c12 = FloatVector.zero(SPECIES), c13 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES), c22 = FloatVector.zero(SPECIES), c23 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES), c32 = FloatVector.zero(SPECIES), c33 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES), c42 = FloatVector.zero(SPECIES), c43 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES), c52 = FloatVector.zero(SPECIES), c53 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + p * COLUMNS;
            final int aColumn = aIndex + p * lda;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            final FloatVector b2 = FloatVector.fromArray(SPECIES, b, bRow + 2 * lanes);
            final FloatVector b3 = FloatVector.fromArray(SPECIES, b, bRow + 3 * lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[aColumn]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01); c02 = ar.fma(b2, c02); c03 = ar.fma(b3, c03);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 1]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11); c12 = ar.fma(b2, c12); c13 = ar.fma(b3, c13);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 2]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21); c22 = ar.fma(b2, c22); c23 = ar.fma(b3, c23);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 3]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31); c32 = ar.fma(b2, c32); c33 = ar.fma(b3, c33);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 4]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41); c42 = ar.fma(b2, c42); c43 = ar.fma(b3, c43);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 5]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51); c52 = ar.fma(b2, c52); c53 = ar.fma(b3, c53);
        }
        GemmWriteBack.store(c00, c, cIndex, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c01, c, cIndex + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        GemmWriteBack.store(c02, c, cIndex + 2 * lanes, cols - 2 * lanes, alpha, beta, bias, biasIndex + 2 * lanes, relu);
        GemmWriteBack.store(c03, c, cIndex + 3 * lanes, cols - 3 * lanes, alpha, beta, bias, biasIndex + 3 * lanes, relu);
        if (rows <= 1) {
            return;
        }
        GemmWriteBack.store(c10, c, cIndex + 1 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c11, c, cIndex + 1 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        GemmWriteBack.store(c12, c, cIndex + 1 * ldc + 2 * lanes, cols - 2 * lanes, alpha, beta, bias, biasIndex + 2 * lanes, relu);
        GemmWriteBack.store(c13, c, cIndex + 1 * ldc + 3 * lanes, cols - 3 * lanes, alpha, beta, bias, biasIndex + 3 * lanes, relu);
        if (rows <= 2) {
            return;
        }
        GemmWriteBack.store(c20, c, cIndex + 2 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c21, c, cIndex + 2 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        GemmWriteBack.store(c22, c, cIndex + 2 * ldc + 2 * lanes, cols - 2 * lanes, alpha, beta, bias, biasIndex + 2 * lanes, relu);
        GemmWriteBack.store(c23, c, cIndex + 2 * ldc + 3 * lanes, cols - 3 * lanes, alpha, beta, bias, biasIndex + 3 * lanes, relu);
        if (rows <= 3) {
            return;
        }
        GemmWriteBack.store(c30, c, cIndex + 3 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c31, c, cIndex + 3 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        GemmWriteBack.store(c32, c, cIndex + 3 * ldc + 2 * lanes, cols - 2 * lanes, alpha, beta, bias, biasIndex + 2 * lanes, relu);
        GemmWriteBack.store(c33, c, cIndex + 3 * ldc + 3 * lanes, cols - 3 * lanes, alpha, beta, bias, biasIndex + 3 * lanes, relu);
        if (rows <= 4) {
            return;
        }
        GemmWriteBack.store(c40, c, cIndex + 4 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c41, c, cIndex + 4 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        GemmWriteBack.store(c42, c, cIndex + 4 * ldc + 2 * lanes, cols - 2 * lanes, alpha, beta, bias, biasIndex + 2 * lanes, relu);
        GemmWriteBack.store(c43, c, cIndex + 4 * ldc + 3 * lanes, cols - 3 * lanes, alpha, beta, bias, biasIndex + 3 * lanes, relu);
        if (rows <= 5) {
            return;
        }
        GemmWriteBack.store(c50, c, cIndex + 5 * ldc, cols, alpha, beta, bias, biasIndex, relu);
        GemmWriteBack.store(c51, c, cIndex + 5 * ldc + lanes, cols - lanes, alpha, beta, bias, biasIndex + lanes, relu);
        GemmWriteBack.store(c52, c, cIndex + 5 * ldc + 2 * lanes, cols - 2 * lanes, alpha, beta, bias, biasIndex + 2 * lanes, relu);
        GemmWriteBack.store(c53, c, cIndex + 5 * ldc + 3 * lanes, cols - 3 * lanes, alpha, beta, bias, biasIndex + 3 * lanes, relu);
    }
}
