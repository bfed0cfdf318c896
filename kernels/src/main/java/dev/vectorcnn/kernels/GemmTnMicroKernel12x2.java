package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 2-vector GEMM micro-kernel for a transposed A read in place: the tile of
 * {@link GemmMicroKernel12x2} with A's element (row r, depth p) at {@code a[aIndex + p*lda + r]}.
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
final class GemmTnMicroKernel12x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = 2 * SPECIES.length();

    private GemmTnMicroKernel12x2() {
    }

    /**
     * {@code C[rows x cols] = act(alpha * A^T[12 x kc] * B[kc x COLUMNS] + beta * C + bias)}; only the first
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
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + p * COLUMNS;
            final int aColumn = aIndex + p * lda;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[aColumn]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 1]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 2]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 3]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 4]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 5]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 6]);
            c60 = ar.fma(b0, c60); c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 7]);
            c70 = ar.fma(b0, c70); c71 = ar.fma(b1, c71);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 8]);
            c80 = ar.fma(b0, c80); c81 = ar.fma(b1, c81);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 9]);
            c90 = ar.fma(b0, c90); c91 = ar.fma(b1, c91);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 10]);
            c100 = ar.fma(b0, c100); c101 = ar.fma(b1, c101);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 11]);
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
