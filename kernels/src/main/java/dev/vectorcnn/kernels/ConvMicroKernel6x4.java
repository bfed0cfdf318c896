package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 4-vector convolution micro-kernel: {@code tile (+)= A[6 x kc] x B[kc x COLUMNS]}, the
 * accumulators held in registers while k runs.
 *
 * <p>Row r of A is read in place at {@code a[aIndex + r*lda + p]}; B comes packed as {@code kc} rows of
 * {@code COLUMNS} floats, zero-padded past the last real column. A can be gathered patch rows, or, for
 * forward, zero-padded input rows read directly: for 6 horizontally adjacent output pixels the
 * {@code KW*C} patch values of one filter row are a contiguous run of one input row, and pixel r's
 * run starts {@code r * strideWidth * C} floats after pixel 0's, so with {@code lda = strideWidth * C}
 * one call per filter row ({@code accumulate} after the first) computes the tile with no gathering.
 * (Looping over the filter rows inside this method measured 2x slower: C2 compiled the nested loop
 * worse.) The caller guarantees all 6 rows are readable, even for a ragged last tile (those rows
 * are computed, never written). Each step broadcasts one A value per row into every B vector: no
 * lane reductions in the loop.
 *
 * <p>It is the tile of {@link GemmMicroKernel6x4}, but it stores its accumulators raw into a small
 * {@code tile} array and leaves bias, ReLU, accumulation and ragged edges to {@link TileWriteBack}:
 * measured with {@code -XX:+PrintInlining}, C2 does not inline a write-back helper that takes vector
 * arguments into a kernel this large ("callee is too large"), so every accumulator was boxed on the
 * way out, which halved conv2's rate and held a K=9 layer (MNIST conv1) to 18 GFLOP/s.
 * {@code intoArray} is an intrinsic.
 */
final class ConvMicroKernel6x4 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 6;
    static final int COLUMNS = 4 * SPECIES.length();

    private ConvMicroKernel6x4() {
    }

    /**
     * Writes {@code A[ROWS x kc] x B[kc x COLUMNS]} to {@code tile} (ROWS rows of COLUMNS floats), or adds it to
     * what {@code tile} holds when {@code accumulate}: one segment of a convolution at a time.
     */
    static void run(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile, boolean accumulate) {
        final int lanes = SPECIES.length();
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, tile, 0) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, tile, lanes) : FloatVector.zero(SPECIES);
        FloatVector c02 = accumulate ? FloatVector.fromArray(SPECIES, tile, 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c03 = accumulate ? FloatVector.fromArray(SPECIES, tile, 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, tile, 4 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, tile, 5 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c12 = accumulate ? FloatVector.fromArray(SPECIES, tile, 6 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c13 = accumulate ? FloatVector.fromArray(SPECIES, tile, 7 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, tile, 8 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, tile, 9 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c22 = accumulate ? FloatVector.fromArray(SPECIES, tile, 10 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c23 = accumulate ? FloatVector.fromArray(SPECIES, tile, 11 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, tile, 12 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, tile, 13 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c32 = accumulate ? FloatVector.fromArray(SPECIES, tile, 14 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c33 = accumulate ? FloatVector.fromArray(SPECIES, tile, 15 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, tile, 16 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, tile, 17 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c42 = accumulate ? FloatVector.fromArray(SPECIES, tile, 18 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c43 = accumulate ? FloatVector.fromArray(SPECIES, tile, 19 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, tile, 20 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, tile, 21 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c52 = accumulate ? FloatVector.fromArray(SPECIES, tile, 22 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c53 = accumulate ? FloatVector.fromArray(SPECIES, tile, 23 * lanes) : FloatVector.zero(SPECIES);
        final int a0 = aIndex;
        final int a1 = aIndex + lda;
        final int a2 = aIndex + 2 * lda;
        final int a3 = aIndex + 3 * lda;
        final int a4 = aIndex + 4 * lda;
        final int a5 = aIndex + 5 * lda;
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + p * COLUMNS;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            final FloatVector b2 = FloatVector.fromArray(SPECIES, b, bRow + 2 * lanes);
            final FloatVector b3 = FloatVector.fromArray(SPECIES, b, bRow + 3 * lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01); c02 = ar.fma(b2, c02); c03 = ar.fma(b3, c03);
            ar = FloatVector.broadcast(SPECIES, a[a1 + p]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11); c12 = ar.fma(b2, c12); c13 = ar.fma(b3, c13);
            ar = FloatVector.broadcast(SPECIES, a[a2 + p]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21); c22 = ar.fma(b2, c22); c23 = ar.fma(b3, c23);
            ar = FloatVector.broadcast(SPECIES, a[a3 + p]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31); c32 = ar.fma(b2, c32); c33 = ar.fma(b3, c33);
            ar = FloatVector.broadcast(SPECIES, a[a4 + p]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41); c42 = ar.fma(b2, c42); c43 = ar.fma(b3, c43);
            ar = FloatVector.broadcast(SPECIES, a[a5 + p]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51); c52 = ar.fma(b2, c52); c53 = ar.fma(b3, c53);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, lanes);
        c02.intoArray(tile, 2 * lanes);
        c03.intoArray(tile, 3 * lanes);
        c10.intoArray(tile, 4 * lanes);
        c11.intoArray(tile, 5 * lanes);
        c12.intoArray(tile, 6 * lanes);
        c13.intoArray(tile, 7 * lanes);
        c20.intoArray(tile, 8 * lanes);
        c21.intoArray(tile, 9 * lanes);
        c22.intoArray(tile, 10 * lanes);
        c23.intoArray(tile, 11 * lanes);
        c30.intoArray(tile, 12 * lanes);
        c31.intoArray(tile, 13 * lanes);
        c32.intoArray(tile, 14 * lanes);
        c33.intoArray(tile, 15 * lanes);
        c40.intoArray(tile, 16 * lanes);
        c41.intoArray(tile, 17 * lanes);
        c42.intoArray(tile, 18 * lanes);
        c43.intoArray(tile, 19 * lanes);
        c50.intoArray(tile, 20 * lanes);
        c51.intoArray(tile, 21 * lanes);
        c52.intoArray(tile, 22 * lanes);
        c53.intoArray(tile, 23 * lanes);
    }
}
