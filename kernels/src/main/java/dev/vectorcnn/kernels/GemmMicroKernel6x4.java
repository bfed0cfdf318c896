package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 4-vector GEMM micro-kernel: {@code tile = A[6 x kc] * B[kc x 4*lanes]}, held in 24 accumulator
 * registers while k runs. Used when {@code n > 2*lanes} (square matrices, 64-channel layers): 24 accumulators,
 * 4 B vectors and 1 broadcast take 29 of the 32 AVX-512 registers; each loaded B vector feeds 6 FMAs
 * and each broadcast 4. Measured here with JDK 25 at 512 bits against 12x2, 14x2, 8x3, 6x3, 6x2, 5x4
 * and 4x4 on L1-resident data, it was the fastest for 64 columns.
 *
 * <p>A is read in place, row {@code r} at {@code a[aIndex + r*lda + p]}; B comes packed as {@code kc}
 * rows of {@link #COLUMNS} floats, zero-padded past column n. Each step broadcasts one A value per row
 * from memory and multiplies it into every B vector: no lane reductions in the loop. The caller
 * guarantees all rows are readable, even for a ragged last tile (those rows are computed, never
 * written). The GEMM driver passes A's rows (or a packed copy when A is transposed); the convolution
 * passes gathered patch rows, or zero-padded input rows read directly: for adjacent output pixels
 * the {@code KW*C} patch values of one filter row are a contiguous run of one input row, and pixel
 * r's run starts {@code r * strideWidth * C} floats after pixel 0's, so with
 * {@code lda = strideWidth * C} one call per filter row ({@code accumulate} after the first) computes
 * the tile with no gathering. (Looping over the filter rows inside this method measured 2x slower:
 * C2 compiled the nested loop worse.)
 * {@link #multiplyRows} is the same loop with each row of A and C placed by a table instead, for
 * the input gradient's tiles, which run on from one row of pixels to the next.
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
     * Writes {@code A[ROWS x kc] x B[kc x COLUMNS]} to {@code tile} from {@code tileIndex} (ROWS rows of COLUMNS
     * floats, {@code tileStride} apart), or adds it to what is there when {@code accumulate}: one piece of a
     * convolution at a time. The tile is a scratch block ({@code tileStride = COLUMNS}) that
     * {@link GemmWriteBack} then applies, or, when there is nothing to apply, C itself.
     */
    static void multiply(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile, int tileIndex,
                    int tileStride, boolean accumulate) {
        final int lanes = SPECIES.length();
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + lanes) : FloatVector.zero(SPECIES);
        FloatVector c02 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c03 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c12 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c13 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c22 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c23 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c32 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c33 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c42 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c43 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c52 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c53 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride + 3 * lanes) : FloatVector.zero(SPECIES);
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
        c00.intoArray(tile, tileIndex);
        c01.intoArray(tile, tileIndex + lanes);
        c02.intoArray(tile, tileIndex + 2 * lanes);
        c03.intoArray(tile, tileIndex + 3 * lanes);
        c10.intoArray(tile, tileIndex + tileStride);
        c11.intoArray(tile, tileIndex + tileStride + lanes);
        c12.intoArray(tile, tileIndex + tileStride + 2 * lanes);
        c13.intoArray(tile, tileIndex + tileStride + 3 * lanes);
        c20.intoArray(tile, tileIndex + 2 * tileStride);
        c21.intoArray(tile, tileIndex + 2 * tileStride + lanes);
        c22.intoArray(tile, tileIndex + 2 * tileStride + 2 * lanes);
        c23.intoArray(tile, tileIndex + 2 * tileStride + 3 * lanes);
        c30.intoArray(tile, tileIndex + 3 * tileStride);
        c31.intoArray(tile, tileIndex + 3 * tileStride + lanes);
        c32.intoArray(tile, tileIndex + 3 * tileStride + 2 * lanes);
        c33.intoArray(tile, tileIndex + 3 * tileStride + 3 * lanes);
        c40.intoArray(tile, tileIndex + 4 * tileStride);
        c41.intoArray(tile, tileIndex + 4 * tileStride + lanes);
        c42.intoArray(tile, tileIndex + 4 * tileStride + 2 * lanes);
        c43.intoArray(tile, tileIndex + 4 * tileStride + 3 * lanes);
        c50.intoArray(tile, tileIndex + 5 * tileStride);
        c51.intoArray(tile, tileIndex + 5 * tileStride + lanes);
        c52.intoArray(tile, tileIndex + 5 * tileStride + 2 * lanes);
        c53.intoArray(tile, tileIndex + 5 * tileStride + 3 * lanes);
    }

    /**
     * Writes {@code A[ROWS x kc] x B[kc x COLUMNS]} to {@code tile} (ROWS rows of COLUMNS floats) with each depth
     * row of B placed by a table: row p at {@code b[bIndex + bRows[bRowsIndex + p]]}, so that the kernel reads B
     * where it lies, such as one filter tap's values for a run of adjacent output pixels in
     * {@link PixelLanesForward}'s planar input rows (which do not start on a cache line).
     */
    static void multiplyIndirectB(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, int[] bRows,
                                  int bRowsIndex, float[] tile) {
        final int lanes = SPECIES.length();
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = FloatVector.zero(SPECIES);
        FloatVector c02 = FloatVector.zero(SPECIES);
        FloatVector c03 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c12 = FloatVector.zero(SPECIES);
        FloatVector c13 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c22 = FloatVector.zero(SPECIES);
        FloatVector c23 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        FloatVector c32 = FloatVector.zero(SPECIES);
        FloatVector c33 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES);
        FloatVector c41 = FloatVector.zero(SPECIES);
        FloatVector c42 = FloatVector.zero(SPECIES);
        FloatVector c43 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES);
        FloatVector c51 = FloatVector.zero(SPECIES);
        FloatVector c52 = FloatVector.zero(SPECIES);
        FloatVector c53 = FloatVector.zero(SPECIES);
        final int a0 = aIndex;
        final int a1 = aIndex + lda;
        final int a2 = aIndex + 2 * lda;
        final int a3 = aIndex + 3 * lda;
        final int a4 = aIndex + 4 * lda;
        final int a5 = aIndex + 5 * lda;
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + bRows[bRowsIndex + p];
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
        c10.intoArray(tile, COLUMNS);
        c11.intoArray(tile, COLUMNS + lanes);
        c12.intoArray(tile, COLUMNS + 2 * lanes);
        c13.intoArray(tile, COLUMNS + 3 * lanes);
        c20.intoArray(tile, 2 * COLUMNS);
        c21.intoArray(tile, 2 * COLUMNS + lanes);
        c22.intoArray(tile, 2 * COLUMNS + 2 * lanes);
        c23.intoArray(tile, 2 * COLUMNS + 3 * lanes);
        c30.intoArray(tile, 3 * COLUMNS);
        c31.intoArray(tile, 3 * COLUMNS + lanes);
        c32.intoArray(tile, 3 * COLUMNS + 2 * lanes);
        c33.intoArray(tile, 3 * COLUMNS + 3 * lanes);
        c40.intoArray(tile, 4 * COLUMNS);
        c41.intoArray(tile, 4 * COLUMNS + lanes);
        c42.intoArray(tile, 4 * COLUMNS + 2 * lanes);
        c43.intoArray(tile, 4 * COLUMNS + 3 * lanes);
        c50.intoArray(tile, 5 * COLUMNS);
        c51.intoArray(tile, 5 * COLUMNS + lanes);
        c52.intoArray(tile, 5 * COLUMNS + 2 * lanes);
        c53.intoArray(tile, 5 * COLUMNS + 3 * lanes);
    }

    /**
     * {@code C (+)= A[ROWS x kc] x B[kc x COLUMNS]} with every row placed by a table: row {@code r} of A at
     * {@code a[aIndex + aRows[r] + p]}, row {@code r} of C from {@code c[cIndex + cRows[r]]}. The same loop as
     * {@link #multiply}; the tables cost two dozen loads and range checks per call, which measured 11% of
     * GEMM's MNIST conv1 shape (k = 9), so evenly spaced rows keep the strided entry.
     */
    static void multiplyRows(int kc, float[] a, int aIndex, int[] aRows, float[] b, int bIndex, float[] c, int cIndex,
                             int[] cRows, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int out0 = cIndex + cRows[0];
        final int out1 = cIndex + cRows[1];
        final int out2 = cIndex + cRows[2];
        final int out3 = cIndex + cRows[3];
        final int out4 = cIndex + cRows[4];
        final int out5 = cIndex + cRows[5];
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, out0) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, c, out0 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c02 = accumulate ? FloatVector.fromArray(SPECIES, c, out0 + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c03 = accumulate ? FloatVector.fromArray(SPECIES, c, out0 + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, out1) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, out1 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c12 = accumulate ? FloatVector.fromArray(SPECIES, c, out1 + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c13 = accumulate ? FloatVector.fromArray(SPECIES, c, out1 + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, out2) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, c, out2 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c22 = accumulate ? FloatVector.fromArray(SPECIES, c, out2 + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c23 = accumulate ? FloatVector.fromArray(SPECIES, c, out2 + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, out3) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, c, out3 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c32 = accumulate ? FloatVector.fromArray(SPECIES, c, out3 + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c33 = accumulate ? FloatVector.fromArray(SPECIES, c, out3 + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, out4) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, c, out4 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c42 = accumulate ? FloatVector.fromArray(SPECIES, c, out4 + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c43 = accumulate ? FloatVector.fromArray(SPECIES, c, out4 + 3 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, out5) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, c, out5 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c52 = accumulate ? FloatVector.fromArray(SPECIES, c, out5 + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c53 = accumulate ? FloatVector.fromArray(SPECIES, c, out5 + 3 * lanes) : FloatVector.zero(SPECIES);
        final int a0 = aIndex + aRows[0];
        final int a1 = aIndex + aRows[1];
        final int a2 = aIndex + aRows[2];
        final int a3 = aIndex + aRows[3];
        final int a4 = aIndex + aRows[4];
        final int a5 = aIndex + aRows[5];
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
        c00.intoArray(c, out0);
        c01.intoArray(c, out0 + lanes);
        c02.intoArray(c, out0 + 2 * lanes);
        c03.intoArray(c, out0 + 3 * lanes);
        c10.intoArray(c, out1);
        c11.intoArray(c, out1 + lanes);
        c12.intoArray(c, out1 + 2 * lanes);
        c13.intoArray(c, out1 + 3 * lanes);
        c20.intoArray(c, out2);
        c21.intoArray(c, out2 + lanes);
        c22.intoArray(c, out2 + 2 * lanes);
        c23.intoArray(c, out2 + 3 * lanes);
        c30.intoArray(c, out3);
        c31.intoArray(c, out3 + lanes);
        c32.intoArray(c, out3 + 2 * lanes);
        c33.intoArray(c, out3 + 3 * lanes);
        c40.intoArray(c, out4);
        c41.intoArray(c, out4 + lanes);
        c42.intoArray(c, out4 + 2 * lanes);
        c43.intoArray(c, out4 + 3 * lanes);
        c50.intoArray(c, out5);
        c51.intoArray(c, out5 + lanes);
        c52.intoArray(c, out5 + 2 * lanes);
        c53.intoArray(c, out5 + 3 * lanes);
    }

    /**
     * {@link #multiplyRows} with each depth step placed by a table too, written over C: row {@code r} of A,
     * step {@code p} at {@code a[aIndex + aRows[r] + depthOffsets[depthIndex + p]]}, so that one call runs over depth steps that
     * are not contiguous in A (the input gradient's tap rows of a few output channels, whose one call per tap
     * row reloaded and stored the tile every few steps). The table costs a load and the row range checks
     * per step: 9% of a 12 x 2 input gradient whose tap rows are 96 steps long, so only rows shorter than
     * {@link SubPixelInputGradient#SHORT_TAP_ROW} take it (9-46% faster there).
     */
    static void multiplyRowsByDepth(int kc, float[] a, int aIndex, int[] aRows, int[] depthOffsets, int depthIndex,
                                    float[] b, int bIndex, float[] c, int cIndex, int[] cRows) {
        final int lanes = SPECIES.length();
        final int out0 = cIndex + cRows[0];
        final int out1 = cIndex + cRows[1];
        final int out2 = cIndex + cRows[2];
        final int out3 = cIndex + cRows[3];
        final int out4 = cIndex + cRows[4];
        final int out5 = cIndex + cRows[5];
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = FloatVector.zero(SPECIES);
        FloatVector c02 = FloatVector.zero(SPECIES);
        FloatVector c03 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c12 = FloatVector.zero(SPECIES);
        FloatVector c13 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c22 = FloatVector.zero(SPECIES);
        FloatVector c23 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        FloatVector c32 = FloatVector.zero(SPECIES);
        FloatVector c33 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES);
        FloatVector c41 = FloatVector.zero(SPECIES);
        FloatVector c42 = FloatVector.zero(SPECIES);
        FloatVector c43 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES);
        FloatVector c51 = FloatVector.zero(SPECIES);
        FloatVector c52 = FloatVector.zero(SPECIES);
        FloatVector c53 = FloatVector.zero(SPECIES);
        final int a0 = aIndex + aRows[0];
        final int a1 = aIndex + aRows[1];
        final int a2 = aIndex + aRows[2];
        final int a3 = aIndex + aRows[3];
        final int a4 = aIndex + aRows[4];
        final int a5 = aIndex + aRows[5];
        for (int p = 0; p < kc; p++) {
            final int depth = depthOffsets[depthIndex + p];
            final int bRow = bIndex + p * COLUMNS;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            final FloatVector b2 = FloatVector.fromArray(SPECIES, b, bRow + 2 * lanes);
            final FloatVector b3 = FloatVector.fromArray(SPECIES, b, bRow + 3 * lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[a0 + depth]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01); c02 = ar.fma(b2, c02); c03 = ar.fma(b3, c03);
            ar = FloatVector.broadcast(SPECIES, a[a1 + depth]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11); c12 = ar.fma(b2, c12); c13 = ar.fma(b3, c13);
            ar = FloatVector.broadcast(SPECIES, a[a2 + depth]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21); c22 = ar.fma(b2, c22); c23 = ar.fma(b3, c23);
            ar = FloatVector.broadcast(SPECIES, a[a3 + depth]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31); c32 = ar.fma(b2, c32); c33 = ar.fma(b3, c33);
            ar = FloatVector.broadcast(SPECIES, a[a4 + depth]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41); c42 = ar.fma(b2, c42); c43 = ar.fma(b3, c43);
            ar = FloatVector.broadcast(SPECIES, a[a5 + depth]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51); c52 = ar.fma(b2, c52); c53 = ar.fma(b3, c53);
        }
        c00.intoArray(c, out0);
        c01.intoArray(c, out0 + lanes);
        c02.intoArray(c, out0 + 2 * lanes);
        c03.intoArray(c, out0 + 3 * lanes);
        c10.intoArray(c, out1);
        c11.intoArray(c, out1 + lanes);
        c12.intoArray(c, out1 + 2 * lanes);
        c13.intoArray(c, out1 + 3 * lanes);
        c20.intoArray(c, out2);
        c21.intoArray(c, out2 + lanes);
        c22.intoArray(c, out2 + 2 * lanes);
        c23.intoArray(c, out2 + 3 * lanes);
        c30.intoArray(c, out3);
        c31.intoArray(c, out3 + lanes);
        c32.intoArray(c, out3 + 2 * lanes);
        c33.intoArray(c, out3 + 3 * lanes);
        c40.intoArray(c, out4);
        c41.intoArray(c, out4 + lanes);
        c42.intoArray(c, out4 + 2 * lanes);
        c43.intoArray(c, out4 + 3 * lanes);
        c50.intoArray(c, out5);
        c51.intoArray(c, out5 + lanes);
        c52.intoArray(c, out5 + 2 * lanes);
        c53.intoArray(c, out5 + 3 * lanes);
    }
}
