package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmMicroKernel12x2}'s tile computed as three 4 x 2-vector tiles, for short depths: {@code kc} of at
 * most {@link #MAX_DEPTH}, such as MNIST conv1's im2col product (k = 9). With so few depth steps, a 12-row
 * tile's 24 accumulators (and the row indices C2 then spills) cost more to set up and store than its
 * B-vector reuse saves; 8 accumulators do not spill. Each sum runs in the same order as on the 12 x 2 tile
 * (from zero, or from the tile when accumulating, one fused multiply-add per depth step), so the bits are
 * the same. AMD host, 512 bits, 1 thread, a harness of the row loop alone: k = 9, 91-93 GFLOP/s against
 * 75-77 on 12 rows; k = 16, 97 against 90; k = 27, 91 against 100 (hence the bound); k = 3, 59 against 48.
 *
 * <p>The loop over rows is inside, so that the GEMM's full tiles of a chunk go through one call
 * ({@code MicroKernelTile.multiplyTiles}): on the conv1 shape (JMH, 3 interleaved rounds) three calls per
 * 12-row tile gave 1.06x the 12 x 2 tile, and one call per chunk of 120 rows 1.13x more (82-83 GFLOP/s);
 * the loop over just a tile's three row groups inside the kernel, 0.98x of three calls.
 */
final class GemmMicroKernel4x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    /** A third of {@link GemmMicroKernel12x2#ROWS}: three of these tiles are one of those. */
    static final int ROWS = 4;
    static final int COLUMNS = GemmMicroKernel12x2.COLUMNS;
    /** The deepest {@code kc} the 12 x 2 tile hands to this kernel. */
    static final int MAX_DEPTH = 16;

    private GemmMicroKernel4x2() {
    }

    /**
     * {@link GemmMicroKernel12x2#multiply} for {@code rows} rows (a multiple of ROWS), ROWS at a time: writes
     * {@code A[rows x kc] x B[kc x COLUMNS]} to {@code tile} from {@code tileStart}, rows {@code tileStride}
     * apart, or adds it to what is there when {@code accumulate}. A's row r is at {@code aStart + r * lda}.
     */
    static void multiply(int rows, int kc, float[] a, int aStart, int lda, float[] b, int bIndex, float[] tile,
                         int tileStart, int tileStride, boolean accumulate) {
        final int lanes = SPECIES.length();
        for (int r = 0; r < rows; r += ROWS) {
            final int aIndex = aStart + r * lda;
            final int tileIndex = tileStart + r * tileStride;
            FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex) : FloatVector.zero(SPECIES);
            FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + lanes) : FloatVector.zero(SPECIES);
            FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride) : FloatVector.zero(SPECIES);
            FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride + lanes) : FloatVector.zero(SPECIES);
            FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride) : FloatVector.zero(SPECIES);
            FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride + lanes) : FloatVector.zero(SPECIES);
            FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride) : FloatVector.zero(SPECIES);
            FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride + lanes) : FloatVector.zero(SPECIES);
            final int a0 = aIndex;
            final int a1 = aIndex + lda;
            final int a2 = aIndex + 2 * lda;
            final int a3 = aIndex + 3 * lda;
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
            }
            c00.intoArray(tile, tileIndex);
            c01.intoArray(tile, tileIndex + lanes);
            c10.intoArray(tile, tileIndex + tileStride);
            c11.intoArray(tile, tileIndex + tileStride + lanes);
            c20.intoArray(tile, tileIndex + 2 * tileStride);
            c21.intoArray(tile, tileIndex + 2 * tileStride + lanes);
            c30.intoArray(tile, tileIndex + 3 * tileStride);
            c31.intoArray(tile, tileIndex + 3 * tileStride + lanes);
        }
    }
}
