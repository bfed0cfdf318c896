package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 2-vector GEMM micro-kernel: {@code tile = A[12 x kc] * B[kc x 2*lanes]}, held in 24
 * accumulator registers while k runs. Used when n <= 2*lanes (e.g. 32 output channels at 512 bits),
 * where a 4-vector tile would multiply mostly zero padding; 12 rows keep 24 independent FMA chains
 * in flight (at least 8 are needed to hide the 4-cycle FMA latency on two FMA ports).
 *
 * <p>A is read in place, row {@code r} at {@code a[aIndex + r*lda + p]} (the driver copies A only
 * when it is transposed or for a ragged last tile); B comes packed as {@code kc} rows of
 * {@link #COLUMNS} floats, zero-padded past column n. Each step broadcasts one A value per row from
 * memory and multiplies it into every B vector: no lane reductions in the loop.
 *
 * <p>The accumulators are explicit locals and the method does nothing but multiply and store the
 * tile: alpha, beta, bias, ReLU and the ragged edge are {@link GemmWriteBack}'s job. That split is
 * load-bearing. With the write-back inlined here, the method outgrew C2's inlining budget
 * (NodeCountInliningCutoff), one Vector API call stayed a real call, and C2 then boxed every
 * accumulator in every iteration (seen in the disassembly: a heap allocation per FMA, 23% of peak).
 */
final class GemmMicroKernel12x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = 2 * SPECIES.length();

    private GemmMicroKernel12x2() {
    }

    /**
     * {@code tile[12 x COLUMNS] = A[12 x kc] * B[kc x COLUMNS]} with A row-major in place: element
     * (r, p) at {@code a[aIndex + r*lda + p]}.
     */
    static void multiply(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile) {
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
