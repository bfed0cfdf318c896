package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 14 x 2-vector micro-kernel whose first 13 rows of A are exactly {@link #A_ROW_STRIDE} floats apart:
 * {@code C (+)= A[14 x taps*kc] x B[taps*kc x COLUMNS]}, the depth in {@code taps} runs of {@code kc} (a
 * window's filter rows, or the input gradient's tap rows). In run t, A's row {@code r < 13} lies at
 * {@code a[aIndex + t*aTapStride + r*A_ROW_STRIDE + q]}, its last row at
 * {@code last[lastIndex + t*lastTapStride + q]}, for q below {@code kc}; C's row {@code r} is placed by a
 * table, {@code c[cRows[r]]} ({@link #multiplyTaps}). 28 accumulators are held in registers while the
 * depth runs.
 *
 * <p>It was written for the input gradient of convolutions with 64 output channels and exactly one panel
 * ({@link #COLUMNS}) of input channels: MNIST conv2 (32 input channels) at 512 bits. The 56x56x64 layer's
 * input gradient does not reach it at 512 bits or below, where its 64 input channels are more than one
 * panel. There a tile's rows are adjacent pixels of one sub-pixel class row, whose output-gradient rows
 * lie 64 floats apart in the band's padded copy. The general kernels take the row stride (or a table of rows) as a
 * value and keep one integer register per row: 12 rows do not fit the registers, and C2 spilled half of
 * them and reloaded them every depth step. With the stride a constant every row is one displacement
 * from a single index. On L1 data (1 thread, same JVM) a 12-row
 * copy with the literal stride ran 184-189 GFLOP/s against 165-168 with the stride a parameter and
 * 168-174 with the row table. In place it made MNIST conv2's input gradient 16% faster (JMH, 3
 * interleaved rounds, 1 thread: 194-204 to 226-235 ops/s; both gradients together 81-90 to 93-99).
 * 14 rows, so that the tiles of MNIST conv2's 14-pixel class rows end where the rows do.
 *
 * <p>The forward of the layers whose output pixels' patch rows lie 64 floats apart
 * ({@code strideWidth * C = 64}: MNIST conv2, the 56x56x64 layer) runs on it too, where output rows are
 * whole tiles of 14 pixels ({@link VectorConv2d#forwardsOnFixedStride}).
 *
 * <p>The last row has a source of its own for the forward of a layer whose last window in each output
 * row alone reaches into the right padding (MNIST conv2, {@code VectorConv2d.forwardFixedStride}): the
 * tiles then read the input rows in place, and the last row of each row's last tile reads a zero-padded
 * copy of its window's segment. Every other caller passes the last row where the constant stride puts it
 * ({@link #LAST_ROW}). The extra index cost nothing measurable: against the kernel with all 14 rows at the
 * constant stride, MNIST conv2's forward and input gradient 0.998 and 0.991, the 56x56x64 layer's 0.987
 * and 1.005 (Zen 5 host, JMH, 3 interleaved rounds, 1 thread).
 *
 * <p>A window's filter rows run in one call, as one flat loop over their depth that moves A's index on
 * where a run ends: a call per filter row stored and reloaded the 28 accumulators between the runs, and
 * one call made MNIST conv2's input gradient 1.075-1.087x faster (JMH A/B, two runs of 3 rounds, Zen 5
 * host, the same bits). A loop over the runs around the depth loop instead made C2 keep six of the
 * accumulators on the stack, loaded and stored every step, as in the twenty-eighth session's attempt (eight
 * there), and MNIST conv2's forward ran at 0.4-0.9 of the speed (harness, batches 25 and 100). The flat
 * loop keeps all 28 in registers beside 2 B vectors and 2 broadcasts, AVX-512's 32 (JDK 25's code on the
 * Zen 5 host; its array bounds are checked every step, since A's index is no longer linear in p).
 *
 * <p>B comes packed as rows of {@link #COLUMNS} floats. The caller guarantees all 14 rows readable.
 */
final class Stride64MicroKernel14x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 14;
    static final int COLUMNS = 2 * SPECIES.length();
    /** The distance between A's rows, in floats: a literal, so that C2 folds it into the addresses. */
    static final int A_ROW_STRIDE = 64;
    /** Where the last row lies after the first when it follows the constant stride. */
    static final int LAST_ROW = (ROWS - 1) * A_ROW_STRIDE;

    private Stride64MicroKernel14x2() {
    }

    /**
     * {@code C (+)= A[ROWS x taps*kc] x B[taps*kc x COLUMNS]}, added to C's values when {@code accumulate},
     * written over them otherwise. A's depth runs in {@code taps >= 1} runs of {@code kc} (a window's filter rows):
     * run t of row {@code r < 13} starts at {@code a[aIndex + t*aTapStride + r*A_ROW_STRIDE]}, of the last row
     * at {@code last[lastIndex + t*lastTapStride]}; B's runs follow each other.
     */
    static void multiplyTaps(int kc, int taps, float[] a, int aIndex, int aTapStride, float[] last, int lastIndex,
                             int lastTapStride, float[] b, int bIndex, float[] c, int[] cRows, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int out0 = cRows[0];
        final int out1 = cRows[1];
        final int out2 = cRows[2];
        final int out3 = cRows[3];
        final int out4 = cRows[4];
        final int out5 = cRows[5];
        final int out6 = cRows[6];
        final int out7 = cRows[7];
        final int out8 = cRows[8];
        final int out9 = cRows[9];
        final int out10 = cRows[10];
        final int out11 = cRows[11];
        final int out12 = cRows[12];
        final int out13 = cRows[13];
        FloatVector c000 = accumulate ? FloatVector.fromArray(SPECIES, c, out0) : FloatVector.zero(SPECIES);
        FloatVector c001 = accumulate ? FloatVector.fromArray(SPECIES, c, out0 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c010 = accumulate ? FloatVector.fromArray(SPECIES, c, out1) : FloatVector.zero(SPECIES);
        FloatVector c011 = accumulate ? FloatVector.fromArray(SPECIES, c, out1 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c020 = accumulate ? FloatVector.fromArray(SPECIES, c, out2) : FloatVector.zero(SPECIES);
        FloatVector c021 = accumulate ? FloatVector.fromArray(SPECIES, c, out2 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c030 = accumulate ? FloatVector.fromArray(SPECIES, c, out3) : FloatVector.zero(SPECIES);
        FloatVector c031 = accumulate ? FloatVector.fromArray(SPECIES, c, out3 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c040 = accumulate ? FloatVector.fromArray(SPECIES, c, out4) : FloatVector.zero(SPECIES);
        FloatVector c041 = accumulate ? FloatVector.fromArray(SPECIES, c, out4 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c050 = accumulate ? FloatVector.fromArray(SPECIES, c, out5) : FloatVector.zero(SPECIES);
        FloatVector c051 = accumulate ? FloatVector.fromArray(SPECIES, c, out5 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c060 = accumulate ? FloatVector.fromArray(SPECIES, c, out6) : FloatVector.zero(SPECIES);
        FloatVector c061 = accumulate ? FloatVector.fromArray(SPECIES, c, out6 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c070 = accumulate ? FloatVector.fromArray(SPECIES, c, out7) : FloatVector.zero(SPECIES);
        FloatVector c071 = accumulate ? FloatVector.fromArray(SPECIES, c, out7 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c080 = accumulate ? FloatVector.fromArray(SPECIES, c, out8) : FloatVector.zero(SPECIES);
        FloatVector c081 = accumulate ? FloatVector.fromArray(SPECIES, c, out8 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c090 = accumulate ? FloatVector.fromArray(SPECIES, c, out9) : FloatVector.zero(SPECIES);
        FloatVector c091 = accumulate ? FloatVector.fromArray(SPECIES, c, out9 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c100 = accumulate ? FloatVector.fromArray(SPECIES, c, out10) : FloatVector.zero(SPECIES);
        FloatVector c101 = accumulate ? FloatVector.fromArray(SPECIES, c, out10 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c110 = accumulate ? FloatVector.fromArray(SPECIES, c, out11) : FloatVector.zero(SPECIES);
        FloatVector c111 = accumulate ? FloatVector.fromArray(SPECIES, c, out11 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c120 = accumulate ? FloatVector.fromArray(SPECIES, c, out12) : FloatVector.zero(SPECIES);
        FloatVector c121 = accumulate ? FloatVector.fromArray(SPECIES, c, out12 + lanes) : FloatVector.zero(SPECIES);
        FloatVector c130 = accumulate ? FloatVector.fromArray(SPECIES, c, out13) : FloatVector.zero(SPECIES);
        FloatVector c131 = accumulate ? FloatVector.fromArray(SPECIES, c, out13 + lanes) : FloatVector.zero(SPECIES);
        final int depth = taps * kc;
        int aStart = aIndex;
        int lastStart = lastIndex;
        int nextTap = kc;
        for (int p = 0; p < depth; p++) {
            if (p == nextTap) {
                aStart += aTapStride - kc;
                lastStart += lastTapStride - kc;
                nextTap += kc;
            }
            // Row r of A at a[row0 + r * A_ROW_STRIDE]: constant displacements from one index.
            final int row0 = aStart + p;
            final int bRow = bIndex + p * COLUMNS;
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[row0]);
            c000 = ar.fma(b0, c000); c001 = ar.fma(b1, c001);
            ar = FloatVector.broadcast(SPECIES, a[row0 + A_ROW_STRIDE]);
            c010 = ar.fma(b0, c010); c011 = ar.fma(b1, c011);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 2 * A_ROW_STRIDE]);
            c020 = ar.fma(b0, c020); c021 = ar.fma(b1, c021);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 3 * A_ROW_STRIDE]);
            c030 = ar.fma(b0, c030); c031 = ar.fma(b1, c031);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 4 * A_ROW_STRIDE]);
            c040 = ar.fma(b0, c040); c041 = ar.fma(b1, c041);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 5 * A_ROW_STRIDE]);
            c050 = ar.fma(b0, c050); c051 = ar.fma(b1, c051);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 6 * A_ROW_STRIDE]);
            c060 = ar.fma(b0, c060); c061 = ar.fma(b1, c061);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 7 * A_ROW_STRIDE]);
            c070 = ar.fma(b0, c070); c071 = ar.fma(b1, c071);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 8 * A_ROW_STRIDE]);
            c080 = ar.fma(b0, c080); c081 = ar.fma(b1, c081);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 9 * A_ROW_STRIDE]);
            c090 = ar.fma(b0, c090); c091 = ar.fma(b1, c091);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 10 * A_ROW_STRIDE]);
            c100 = ar.fma(b0, c100); c101 = ar.fma(b1, c101);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 11 * A_ROW_STRIDE]);
            c110 = ar.fma(b0, c110); c111 = ar.fma(b1, c111);
            ar = FloatVector.broadcast(SPECIES, a[row0 + 12 * A_ROW_STRIDE]);
            c120 = ar.fma(b0, c120); c121 = ar.fma(b1, c121);
            ar = FloatVector.broadcast(SPECIES, last[lastStart + p]);
            c130 = ar.fma(b0, c130); c131 = ar.fma(b1, c131);
        }
        c000.intoArray(c, out0);
        c001.intoArray(c, out0 + lanes);
        c010.intoArray(c, out1);
        c011.intoArray(c, out1 + lanes);
        c020.intoArray(c, out2);
        c021.intoArray(c, out2 + lanes);
        c030.intoArray(c, out3);
        c031.intoArray(c, out3 + lanes);
        c040.intoArray(c, out4);
        c041.intoArray(c, out4 + lanes);
        c050.intoArray(c, out5);
        c051.intoArray(c, out5 + lanes);
        c060.intoArray(c, out6);
        c061.intoArray(c, out6 + lanes);
        c070.intoArray(c, out7);
        c071.intoArray(c, out7 + lanes);
        c080.intoArray(c, out8);
        c081.intoArray(c, out8 + lanes);
        c090.intoArray(c, out9);
        c091.intoArray(c, out9 + lanes);
        c100.intoArray(c, out10);
        c101.intoArray(c, out10 + lanes);
        c110.intoArray(c, out11);
        c111.intoArray(c, out11 + lanes);
        c120.intoArray(c, out12);
        c121.intoArray(c, out12 + lanes);
        c130.intoArray(c, out13);
        c131.intoArray(c, out13 + lanes);
    }
}
