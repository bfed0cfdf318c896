package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 2-vector convolution micro-kernel: {@code tile (+)= A[12 x kc] x B[kc x COLUMNS]}, the
 * accumulators held in registers while k runs.
 *
 * <p>Row r of A is read in place at {@code a[aIndex + r*lda + p]}; B comes packed as {@code kc} rows of
 * {@code COLUMNS} floats, zero-padded past the last real column. A can be gathered patch rows, or, for
 * forward, zero-padded input rows read directly: for 12 horizontally adjacent output pixels the
 * {@code KW*C} patch values of one filter row are a contiguous run of one input row, and pixel r's
 * run starts {@code r * strideWidth * C} floats after pixel 0's, so with {@code lda = strideWidth * C}
 * one call per filter row ({@code accumulate} after the first) computes the tile with no gathering.
 * (Looping over the filter rows inside this method measured 2x slower: C2 compiled the nested loop
 * worse.) The caller guarantees all 12 rows are readable, even for a ragged last tile (those rows
 * are computed, never written). Each step broadcasts one A value per row into every B vector: no
 * lane reductions in the loop.
 *
 * <p>It is the tile of {@link GemmMicroKernel12x2}, but it stores its accumulators raw into a small
 * {@code tile} array and leaves bias, ReLU, accumulation and ragged edges to {@link TileWriteBack}:
 * measured with {@code -XX:+PrintInlining}, C2 does not inline a write-back helper that takes vector
 * arguments into a kernel this large ("callee is too large"), so every accumulator was boxed on the
 * way out, which halved conv2's rate and held a K=9 layer (MNIST conv1) to 18 GFLOP/s.
 * {@code intoArray} is an intrinsic.
 */
final class ConvMicroKernel12x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = 2 * SPECIES.length();

    private ConvMicroKernel12x2() {
    }

    /**
     * Writes {@code A[ROWS x kc] x B[kc x COLUMNS]} to {@code tile} (ROWS rows of COLUMNS floats), or adds it to
     * what {@code tile} holds when {@code accumulate}: one segment of a convolution at a time.
     */
    static void run(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile, boolean accumulate) {
        final int lanes = SPECIES.length();
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, tile, 0) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, tile, lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, tile, 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, tile, 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, tile, 4 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, tile, 5 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, tile, 6 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, tile, 7 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, tile, 8 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, tile, 9 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, tile, 10 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, tile, 11 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, tile, 12 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c61 = accumulate ? FloatVector.fromArray(SPECIES, tile, 13 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, tile, 14 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c71 = accumulate ? FloatVector.fromArray(SPECIES, tile, 15 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c80 = accumulate ? FloatVector.fromArray(SPECIES, tile, 16 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c81 = accumulate ? FloatVector.fromArray(SPECIES, tile, 17 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c90 = accumulate ? FloatVector.fromArray(SPECIES, tile, 18 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c91 = accumulate ? FloatVector.fromArray(SPECIES, tile, 19 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c100 = accumulate ? FloatVector.fromArray(SPECIES, tile, 20 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c101 = accumulate ? FloatVector.fromArray(SPECIES, tile, 21 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c110 = accumulate ? FloatVector.fromArray(SPECIES, tile, 22 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c111 = accumulate ? FloatVector.fromArray(SPECIES, tile, 23 * lanes) : FloatVector.zero(SPECIES);
        final int a0 = aIndex;
        final int a1 = aIndex + lda;
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
        c00.intoArray(tile, 0);
        c01.intoArray(tile, lanes);
        c10.intoArray(tile, 2 * lanes);
        c11.intoArray(tile, 3 * lanes);
        c20.intoArray(tile, 4 * lanes);
        c21.intoArray(tile, 5 * lanes);
        c30.intoArray(tile, 6 * lanes);
        c31.intoArray(tile, 7 * lanes);
        c40.intoArray(tile, 8 * lanes);
        c41.intoArray(tile, 9 * lanes);
        c50.intoArray(tile, 10 * lanes);
        c51.intoArray(tile, 11 * lanes);
        c60.intoArray(tile, 12 * lanes);
        c61.intoArray(tile, 13 * lanes);
        c70.intoArray(tile, 14 * lanes);
        c71.intoArray(tile, 15 * lanes);
        c80.intoArray(tile, 16 * lanes);
        c81.intoArray(tile, 17 * lanes);
        c90.intoArray(tile, 18 * lanes);
        c91.intoArray(tile, 19 * lanes);
        c100.intoArray(tile, 20 * lanes);
        c101.intoArray(tile, 21 * lanes);
        c110.intoArray(tile, 22 * lanes);
        c111.intoArray(tile, 23 * lanes);
    }
}
