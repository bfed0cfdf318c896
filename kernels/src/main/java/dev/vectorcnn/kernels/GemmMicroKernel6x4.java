package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 4-vector GEMM micro-kernel: {@code tile = A[6 x kc] * B[kc x 4*lanes]}, held in 24 accumulator
 * registers while k runs. Used when n > 2*lanes (square matrices, 64-channel layers): 24 accumulators,
 * 4 B vectors and 1 broadcast take 29 of the 32 AVX-512 registers; each loaded B vector feeds 6 FMAs
 * and each broadcast 4. Measured here with JDK 25 at 512 bits against 12x2, 14x2, 8x3, 6x3, 6x2, 5x4
 * and 4x4 on L1-resident data, it was the fastest for 64 columns.
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
final class GemmMicroKernel6x4 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 6;
    static final int COLUMNS = 4 * SPECIES.length();

    private GemmMicroKernel6x4() {
    }

    /**
     * {@code tile[6 x COLUMNS] = A[6 x kc] * B[kc x COLUMNS]} with A row-major in place: element
     * (r, p) at {@code a[aIndex + r*lda + p]}.
     */
    static void multiply(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile) {
        final int lanes = SPECIES.length();
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES), c02 = FloatVector.zero(SPECIES), c03 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES), c12 = FloatVector.zero(SPECIES), c13 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES), c22 = FloatVector.zero(SPECIES), c23 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES), c32 = FloatVector.zero(SPECIES), c33 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES), c42 = FloatVector.zero(SPECIES), c43 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES), c52 = FloatVector.zero(SPECIES), c53 = FloatVector.zero(SPECIES);
        final int a0 = aIndex;
        final int a1 = aIndex + 1 * lda;
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
