package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The filter gradient's micro-kernel for at most {@code lanes} output channels, with the output channels
 * as its rows: {@code tile = G^T[8 x kc] x P[kc x 3 vectors]}, where depth step {@code p} is an output
 * pixel, {@code G} its output-gradient row (8 channels from {@code g[gIndex + p*gStride]}) and {@code P}
 * 3 vectors of its patch values ({@code a[aIndex + offsets[p] ..]}): a filter row's {@code KW*C}
 * contiguous floats read in place from zero-padded input rows, or a gathered patch row's. A run of
 * contiguous values that is not a whole number of tiles ends on a tile of 1 or 2 vectors. The tile is 8
 * rows of the transposed filter gradient, {@code [OC][KH*KW*C]}, up to 24 accumulators held in
 * registers while p runs.
 *
 * <p>Why: with one vector of output channels the usual tile ({@link ConvTnMicroKernel12x1}: 12 patch
 * columns x the output channels) broadcasts one patch value per multiply-add, and on the AMD host a
 * 512-bit broadcast takes FMA-pipe throughput (its 12 x 1 kernel reaches 70% of peak alone). Here each
 * broadcast gradient value feeds three multiply-adds. AMD host, 1 thread, GFLOP/s, 12 x 1 against this:
 * ResNet-20's 32x32x16 -> 16 filter gradient 73.5-74.5 against 100.2-100.7, 64x64x16 -> 16 71.9-73.8
 * against 100.4-101.6; gathered patch rows: 1x1 28x28x64 -> 16 46.7-46.8 against 58.0-59.4, 5x5
 * 20x20x16 -> 16 59.0-61.3 against 67.2-68.9, 7x7 24x24x16 -> 8 26.2-26.5 against 55.5-57.6.
 *
 * <p>Each sum runs over the pixels in the same order as on the 12 x 1 tile, and {@code fma(g, x, c)} is
 * {@code fma(x, g, c)}: where that tile also accumulated each block into the partial (a full vector of
 * output channels read in place: 16 at 512 bits, 8 at 256), the two give the same bits. Elsewhere it
 * summed each block from zero and then added it to the partial, which rounds differently where a group
 * holds several blocks. Either way the result depends only on the shape, not on the thread count.
 *
 * <p>The caller guarantees {@code vectors * lanes} readable floats at every {@code aIndex + offsets[p]}
 * and 8 gradient values at every row; nothing is computed past them, so no lane is ever discarded.
 */
final class ChannelRowsFilterMicroKernel {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    /** Output channels per tile. */
    static final int ROWS = 8;
    /** Patch values per full tile: three vectors. */
    static final int COLUMNS = 3 * SPECIES.length();

    private ChannelRowsFilterMicroKernel() {
    }

    /**
     * Writes {@code G^T[ROWS x kc] x P[kc x vectors*lanes]} (plus C's values when {@code accumulate}) to ROWS
     * rows of C, {@code ldc} apart, from {@code cIndex}: 3 vectors, or 1 or 2 for the last tile of a run of
     * patch values that is not a whole number of tiles.
     */
    static void run(int vectors, int kc, float[] a, int aIndex, int[] offsets, float[] g, int gIndex, int gStride,
                    float[] c, int cIndex, int ldc, boolean accumulate) {
        switch (vectors) {
            case 3 -> runThree(kc, a, aIndex, offsets, g, gIndex, gStride, c, cIndex, ldc, accumulate);
            case 2 -> runTwo(kc, a, aIndex, offsets, g, gIndex, gStride, c, cIndex, ldc, accumulate);
            case 1 -> runOne(kc, a, aIndex, offsets, g, gIndex, gStride, c, cIndex, ldc, accumulate);
            default -> throw new AssertionError("vectors " + vectors);
        }
    }

    private static void runThree(int kc, float[] a, int aIndex, int[] offsets, float[] g, int gIndex, int gStride,
                                 float[] c, int cIndex, int ldc, boolean accumulate) {
        final int lanes = SPECIES.length();
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + lanes) : FloatVector.zero(SPECIES);
        FloatVector c02 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c12 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c22 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c32 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c42 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c52 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c61 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c62 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c71 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c72 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc + 2 * lanes) : FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            final int patch = aIndex + offsets[p];
            final FloatVector x0 = FloatVector.fromArray(SPECIES, a, patch);
            final FloatVector x1 = FloatVector.fromArray(SPECIES, a, patch + lanes);
            final FloatVector x2 = FloatVector.fromArray(SPECIES, a, patch + 2 * lanes);
            final int gRow = gIndex + p * gStride;
            FloatVector gr;
            gr = FloatVector.broadcast(SPECIES, g[gRow]);
            c00 = gr.fma(x0, c00); c01 = gr.fma(x1, c01); c02 = gr.fma(x2, c02);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 1]);
            c10 = gr.fma(x0, c10); c11 = gr.fma(x1, c11); c12 = gr.fma(x2, c12);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 2]);
            c20 = gr.fma(x0, c20); c21 = gr.fma(x1, c21); c22 = gr.fma(x2, c22);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 3]);
            c30 = gr.fma(x0, c30); c31 = gr.fma(x1, c31); c32 = gr.fma(x2, c32);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 4]);
            c40 = gr.fma(x0, c40); c41 = gr.fma(x1, c41); c42 = gr.fma(x2, c42);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 5]);
            c50 = gr.fma(x0, c50); c51 = gr.fma(x1, c51); c52 = gr.fma(x2, c52);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 6]);
            c60 = gr.fma(x0, c60); c61 = gr.fma(x1, c61); c62 = gr.fma(x2, c62);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 7]);
            c70 = gr.fma(x0, c70); c71 = gr.fma(x1, c71); c72 = gr.fma(x2, c72);
        }
        c00.intoArray(c, cIndex);
        c01.intoArray(c, cIndex + lanes);
        c02.intoArray(c, cIndex + 2 * lanes);
        c10.intoArray(c, cIndex + ldc);
        c11.intoArray(c, cIndex + ldc + lanes);
        c12.intoArray(c, cIndex + ldc + 2 * lanes);
        c20.intoArray(c, cIndex + 2 * ldc);
        c21.intoArray(c, cIndex + 2 * ldc + lanes);
        c22.intoArray(c, cIndex + 2 * ldc + 2 * lanes);
        c30.intoArray(c, cIndex + 3 * ldc);
        c31.intoArray(c, cIndex + 3 * ldc + lanes);
        c32.intoArray(c, cIndex + 3 * ldc + 2 * lanes);
        c40.intoArray(c, cIndex + 4 * ldc);
        c41.intoArray(c, cIndex + 4 * ldc + lanes);
        c42.intoArray(c, cIndex + 4 * ldc + 2 * lanes);
        c50.intoArray(c, cIndex + 5 * ldc);
        c51.intoArray(c, cIndex + 5 * ldc + lanes);
        c52.intoArray(c, cIndex + 5 * ldc + 2 * lanes);
        c60.intoArray(c, cIndex + 6 * ldc);
        c61.intoArray(c, cIndex + 6 * ldc + lanes);
        c62.intoArray(c, cIndex + 6 * ldc + 2 * lanes);
        c70.intoArray(c, cIndex + 7 * ldc);
        c71.intoArray(c, cIndex + 7 * ldc + lanes);
        c72.intoArray(c, cIndex + 7 * ldc + 2 * lanes);
    }

    private static void runTwo(int kc, float[] a, int aIndex, int[] offsets, float[] g, int gIndex, int gStride,
                                 float[] c, int cIndex, int ldc, boolean accumulate) {
        final int lanes = SPECIES.length();
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex) : FloatVector.zero(SPECIES);
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + lanes) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c61 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc + lanes) : FloatVector.zero(SPECIES);
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c71 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc + lanes) : FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            final int patch = aIndex + offsets[p];
            final FloatVector x0 = FloatVector.fromArray(SPECIES, a, patch);
            final FloatVector x1 = FloatVector.fromArray(SPECIES, a, patch + lanes);
            final int gRow = gIndex + p * gStride;
            FloatVector gr;
            gr = FloatVector.broadcast(SPECIES, g[gRow]);
            c00 = gr.fma(x0, c00); c01 = gr.fma(x1, c01);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 1]);
            c10 = gr.fma(x0, c10); c11 = gr.fma(x1, c11);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 2]);
            c20 = gr.fma(x0, c20); c21 = gr.fma(x1, c21);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 3]);
            c30 = gr.fma(x0, c30); c31 = gr.fma(x1, c31);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 4]);
            c40 = gr.fma(x0, c40); c41 = gr.fma(x1, c41);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 5]);
            c50 = gr.fma(x0, c50); c51 = gr.fma(x1, c51);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 6]);
            c60 = gr.fma(x0, c60); c61 = gr.fma(x1, c61);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 7]);
            c70 = gr.fma(x0, c70); c71 = gr.fma(x1, c71);
        }
        c00.intoArray(c, cIndex);
        c01.intoArray(c, cIndex + lanes);
        c10.intoArray(c, cIndex + ldc);
        c11.intoArray(c, cIndex + ldc + lanes);
        c20.intoArray(c, cIndex + 2 * ldc);
        c21.intoArray(c, cIndex + 2 * ldc + lanes);
        c30.intoArray(c, cIndex + 3 * ldc);
        c31.intoArray(c, cIndex + 3 * ldc + lanes);
        c40.intoArray(c, cIndex + 4 * ldc);
        c41.intoArray(c, cIndex + 4 * ldc + lanes);
        c50.intoArray(c, cIndex + 5 * ldc);
        c51.intoArray(c, cIndex + 5 * ldc + lanes);
        c60.intoArray(c, cIndex + 6 * ldc);
        c61.intoArray(c, cIndex + 6 * ldc + lanes);
        c70.intoArray(c, cIndex + 7 * ldc);
        c71.intoArray(c, cIndex + 7 * ldc + lanes);
    }

    private static void runOne(int kc, float[] a, int aIndex, int[] offsets, float[] g, int gIndex, int gStride,
                                 float[] c, int cIndex, int ldc, boolean accumulate) {
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc) : FloatVector.zero(SPECIES);
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc) : FloatVector.zero(SPECIES);
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc) : FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            final int patch = aIndex + offsets[p];
            final FloatVector x0 = FloatVector.fromArray(SPECIES, a, patch);
            final int gRow = gIndex + p * gStride;
            FloatVector gr;
            gr = FloatVector.broadcast(SPECIES, g[gRow]);
            c00 = gr.fma(x0, c00);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 1]);
            c10 = gr.fma(x0, c10);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 2]);
            c20 = gr.fma(x0, c20);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 3]);
            c30 = gr.fma(x0, c30);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 4]);
            c40 = gr.fma(x0, c40);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 5]);
            c50 = gr.fma(x0, c50);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 6]);
            c60 = gr.fma(x0, c60);
            gr = FloatVector.broadcast(SPECIES, g[gRow + 7]);
            c70 = gr.fma(x0, c70);
        }
        c00.intoArray(c, cIndex);
        c10.intoArray(c, cIndex + ldc);
        c20.intoArray(c, cIndex + 2 * ldc);
        c30.intoArray(c, cIndex + 3 * ldc);
        c40.intoArray(c, cIndex + 4 * ldc);
        c50.intoArray(c, cIndex + 5 * ldc);
        c60.intoArray(c, cIndex + 6 * ldc);
        c70.intoArray(c, cIndex + 7 * ldc);
    }
}
