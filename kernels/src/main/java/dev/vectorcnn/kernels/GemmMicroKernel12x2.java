package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 2-vector GEMM micro-kernel: {@code tile = A[12 x kc] * B[kc x 2*lanes]}, held in 24
 * accumulator registers while k runs. Used when {@code lanes < n <= 2*lanes} (e.g. 32 output channels at
 * 512 bits), where a 4-vector tile would multiply mostly zero padding ({@link GemmMicroKernel12x1} takes
 * fewer); 12 rows keep 24 independent FMA chains in flight (at least 8 are needed to hide the 4-cycle FMA
 * latency on two FMA ports).
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
final class GemmMicroKernel12x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = 2 * SPECIES.length();

    private GemmMicroKernel12x2() {
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
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 6 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c61 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 6 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 7 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c71 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 7 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c80 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 8 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c81 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 8 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c90 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 9 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c91 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 9 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c100 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 10 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c101 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 10 * tileStride + lanes) : FloatVector.zero(SPECIES);
        FloatVector c110 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 11 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c111 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 11 * tileStride + lanes) : FloatVector.zero(SPECIES);
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
        c00.intoArray(tile, tileIndex);
        c01.intoArray(tile, tileIndex + lanes);
        c10.intoArray(tile, tileIndex + tileStride);
        c11.intoArray(tile, tileIndex + tileStride + lanes);
        c20.intoArray(tile, tileIndex + 2 * tileStride);
        c21.intoArray(tile, tileIndex + 2 * tileStride + lanes);
        c30.intoArray(tile, tileIndex + 3 * tileStride);
        c31.intoArray(tile, tileIndex + 3 * tileStride + lanes);
        c40.intoArray(tile, tileIndex + 4 * tileStride);
        c41.intoArray(tile, tileIndex + 4 * tileStride + lanes);
        c50.intoArray(tile, tileIndex + 5 * tileStride);
        c51.intoArray(tile, tileIndex + 5 * tileStride + lanes);
        c60.intoArray(tile, tileIndex + 6 * tileStride);
        c61.intoArray(tile, tileIndex + 6 * tileStride + lanes);
        c70.intoArray(tile, tileIndex + 7 * tileStride);
        c71.intoArray(tile, tileIndex + 7 * tileStride + lanes);
        c80.intoArray(tile, tileIndex + 8 * tileStride);
        c81.intoArray(tile, tileIndex + 8 * tileStride + lanes);
        c90.intoArray(tile, tileIndex + 9 * tileStride);
        c91.intoArray(tile, tileIndex + 9 * tileStride + lanes);
        c100.intoArray(tile, tileIndex + 10 * tileStride);
        c101.intoArray(tile, tileIndex + 10 * tileStride + lanes);
        c110.intoArray(tile, tileIndex + 11 * tileStride);
        c111.intoArray(tile, tileIndex + 11 * tileStride + lanes);
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
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES);
        FloatVector c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES);
        FloatVector c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES);
        FloatVector c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES);
        FloatVector c71 = FloatVector.zero(SPECIES);
        FloatVector c80 = FloatVector.zero(SPECIES);
        FloatVector c81 = FloatVector.zero(SPECIES);
        FloatVector c90 = FloatVector.zero(SPECIES);
        FloatVector c91 = FloatVector.zero(SPECIES);
        FloatVector c100 = FloatVector.zero(SPECIES);
        FloatVector c101 = FloatVector.zero(SPECIES);
        FloatVector c110 = FloatVector.zero(SPECIES);
        FloatVector c111 = FloatVector.zero(SPECIES);
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
            final int bRow = bIndex + bRows[bRowsIndex + p];
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
        c10.intoArray(tile, COLUMNS);
        c11.intoArray(tile, COLUMNS + lanes);
        c20.intoArray(tile, 2 * COLUMNS);
        c21.intoArray(tile, 2 * COLUMNS + lanes);
        c30.intoArray(tile, 3 * COLUMNS);
        c31.intoArray(tile, 3 * COLUMNS + lanes);
        c40.intoArray(tile, 4 * COLUMNS);
        c41.intoArray(tile, 4 * COLUMNS + lanes);
        c50.intoArray(tile, 5 * COLUMNS);
        c51.intoArray(tile, 5 * COLUMNS + lanes);
        c60.intoArray(tile, 6 * COLUMNS);
        c61.intoArray(tile, 6 * COLUMNS + lanes);
        c70.intoArray(tile, 7 * COLUMNS);
        c71.intoArray(tile, 7 * COLUMNS + lanes);
        c80.intoArray(tile, 8 * COLUMNS);
        c81.intoArray(tile, 8 * COLUMNS + lanes);
        c90.intoArray(tile, 9 * COLUMNS);
        c91.intoArray(tile, 9 * COLUMNS + lanes);
        c100.intoArray(tile, 10 * COLUMNS);
        c101.intoArray(tile, 10 * COLUMNS + lanes);
        c110.intoArray(tile, 11 * COLUMNS);
        c111.intoArray(tile, 11 * COLUMNS + lanes);
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
        final int out6 = cIndex + cRows[6];
        final int out7 = cIndex + cRows[7];
        final int out8 = cIndex + cRows[8];
        final int out9 = cIndex + cRows[9];
        final int out10 = cIndex + cRows[10];
        final int out11 = cIndex + cRows[11];
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, out0) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, c, out0 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, out1) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, out1 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, out2) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, c, out2 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, out3) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, c, out3 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, out4) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, c, out4 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, out5) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, c, out5 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, c, out6) : FloatVector.zero(SPECIES);
        FloatVector c61 = accumulate ? FloatVector.fromArray(SPECIES, c, out6 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, c, out7) : FloatVector.zero(SPECIES);
        FloatVector c71 = accumulate ? FloatVector.fromArray(SPECIES, c, out7 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c80 = accumulate ? FloatVector.fromArray(SPECIES, c, out8) : FloatVector.zero(SPECIES);
        FloatVector c81 = accumulate ? FloatVector.fromArray(SPECIES, c, out8 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c90 = accumulate ? FloatVector.fromArray(SPECIES, c, out9) : FloatVector.zero(SPECIES);
        FloatVector c91 = accumulate ? FloatVector.fromArray(SPECIES, c, out9 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c100 = accumulate ? FloatVector.fromArray(SPECIES, c, out10) : FloatVector.zero(SPECIES);
        FloatVector c101 = accumulate ? FloatVector.fromArray(SPECIES, c, out10 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c110 = accumulate ? FloatVector.fromArray(SPECIES, c, out11) : FloatVector.zero(SPECIES);
        FloatVector c111 = accumulate ? FloatVector.fromArray(SPECIES, c, out11 + lanes) : FloatVector.zero(SPECIES);
        final int a0 = aIndex + aRows[0];
        final int a1 = aIndex + aRows[1];
        final int a2 = aIndex + aRows[2];
        final int a3 = aIndex + aRows[3];
        final int a4 = aIndex + aRows[4];
        final int a5 = aIndex + aRows[5];
        final int a6 = aIndex + aRows[6];
        final int a7 = aIndex + aRows[7];
        final int a8 = aIndex + aRows[8];
        final int a9 = aIndex + aRows[9];
        final int a10 = aIndex + aRows[10];
        final int a11 = aIndex + aRows[11];
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
        c00.intoArray(c, out0);
        c01.intoArray(c, out0 + lanes);
        c10.intoArray(c, out1);
        c11.intoArray(c, out1 + lanes);
        c20.intoArray(c, out2);
        c21.intoArray(c, out2 + lanes);
        c30.intoArray(c, out3);
        c31.intoArray(c, out3 + lanes);
        c40.intoArray(c, out4);
        c41.intoArray(c, out4 + lanes);
        c50.intoArray(c, out5);
        c51.intoArray(c, out5 + lanes);
        c60.intoArray(c, out6);
        c61.intoArray(c, out6 + lanes);
        c70.intoArray(c, out7);
        c71.intoArray(c, out7 + lanes);
        c80.intoArray(c, out8);
        c81.intoArray(c, out8 + lanes);
        c90.intoArray(c, out9);
        c91.intoArray(c, out9 + lanes);
        c100.intoArray(c, out10);
        c101.intoArray(c, out10 + lanes);
        c110.intoArray(c, out11);
        c111.intoArray(c, out11 + lanes);
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
        final int out6 = cIndex + cRows[6];
        final int out7 = cIndex + cRows[7];
        final int out8 = cIndex + cRows[8];
        final int out9 = cIndex + cRows[9];
        final int out10 = cIndex + cRows[10];
        final int out11 = cIndex + cRows[11];
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES);
        FloatVector c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES);
        FloatVector c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES);
        FloatVector c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES);
        FloatVector c71 = FloatVector.zero(SPECIES);
        FloatVector c80 = FloatVector.zero(SPECIES);
        FloatVector c81 = FloatVector.zero(SPECIES);
        FloatVector c90 = FloatVector.zero(SPECIES);
        FloatVector c91 = FloatVector.zero(SPECIES);
        FloatVector c100 = FloatVector.zero(SPECIES);
        FloatVector c101 = FloatVector.zero(SPECIES);
        FloatVector c110 = FloatVector.zero(SPECIES);
        FloatVector c111 = FloatVector.zero(SPECIES);
        final int a0 = aIndex + aRows[0];
        final int a1 = aIndex + aRows[1];
        final int a2 = aIndex + aRows[2];
        final int a3 = aIndex + aRows[3];
        final int a4 = aIndex + aRows[4];
        final int a5 = aIndex + aRows[5];
        final int a6 = aIndex + aRows[6];
        final int a7 = aIndex + aRows[7];
        final int a8 = aIndex + aRows[8];
        final int a9 = aIndex + aRows[9];
        final int a10 = aIndex + aRows[10];
        final int a11 = aIndex + aRows[11];
        for (int p = 0; p < kc; p++) {
            final int depth = depthOffsets[depthIndex + p];
            final int bRow = bIndex + p * COLUMNS;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[a0 + depth]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(SPECIES, a[a1 + depth]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(SPECIES, a[a2 + depth]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(SPECIES, a[a3 + depth]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(SPECIES, a[a4 + depth]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(SPECIES, a[a5 + depth]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(SPECIES, a[a6 + depth]);
            c60 = ar.fma(b0, c60); c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(SPECIES, a[a7 + depth]);
            c70 = ar.fma(b0, c70); c71 = ar.fma(b1, c71);
            ar = FloatVector.broadcast(SPECIES, a[a8 + depth]);
            c80 = ar.fma(b0, c80); c81 = ar.fma(b1, c81);
            ar = FloatVector.broadcast(SPECIES, a[a9 + depth]);
            c90 = ar.fma(b0, c90); c91 = ar.fma(b1, c91);
            ar = FloatVector.broadcast(SPECIES, a[a10 + depth]);
            c100 = ar.fma(b0, c100); c101 = ar.fma(b1, c101);
            ar = FloatVector.broadcast(SPECIES, a[a11 + depth]);
            c110 = ar.fma(b0, c110); c111 = ar.fma(b1, c111);
        }
        c00.intoArray(c, out0);
        c01.intoArray(c, out0 + lanes);
        c10.intoArray(c, out1);
        c11.intoArray(c, out1 + lanes);
        c20.intoArray(c, out2);
        c21.intoArray(c, out2 + lanes);
        c30.intoArray(c, out3);
        c31.intoArray(c, out3 + lanes);
        c40.intoArray(c, out4);
        c41.intoArray(c, out4 + lanes);
        c50.intoArray(c, out5);
        c51.intoArray(c, out5 + lanes);
        c60.intoArray(c, out6);
        c61.intoArray(c, out6 + lanes);
        c70.intoArray(c, out7);
        c71.intoArray(c, out7 + lanes);
        c80.intoArray(c, out8);
        c81.intoArray(c, out8 + lanes);
        c90.intoArray(c, out9);
        c91.intoArray(c, out9 + lanes);
        c100.intoArray(c, out10);
        c101.intoArray(c, out10 + lanes);
        c110.intoArray(c, out11);
        c111.intoArray(c, out11 + lanes);
    }
}
