package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 1-vector GEMM micro-kernel: {@code tile = A[12 x kc] * B[kc x lanes]}, held in 12 accumulator
 * registers while k runs. Used when {@code n <= lanes} (e.g. 16 output channels at 512 bits, ResNet-20's
 * first stage), where the 12 x 2 tile would multiply half zero padding: measured alone on L1 data on the
 * AMD host, 82 GFLOP/s of real columns for a 16-column product against 54 on the 12 x 2 tile (16 rows x 1
 * vector 74, 24 rows 78: each step's single B vector cannot hide more broadcasts). 12 rows also keep the
 * tile heights the convolution already plans for.
 *
 * <p>Everything else is as in {@link GemmMicroKernel12x2}: A read in place (row {@code r} at
 * {@code a[aIndex + r*lda + p]}) or through a row table, B packed as {@code kc} rows of {@link #COLUMNS}
 * floats zero-padded past column n, nothing but the multiply-adds and the stores here (the write-back
 * is {@link GemmWriteBack}'s job, for the inlining reasons {@link GemmMicroKernel12x2} gives). One
 * difference: the convolution's tiles run over a whole window, all its filter (or tap) rows, in one
 * call ({@link #multiplySegments}, {@link #multiplyRowsSegments}), where the wider tiles take a call
 * and a round trip of the tile per row.
 */
final class GemmMicroKernel12x1 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = SPECIES.length();

    private GemmMicroKernel12x1() {
    }

    /**
     * Writes {@code A[ROWS x kc] x B[kc x COLUMNS]} to {@code tile} from {@code tileIndex} (ROWS rows of COLUMNS
     * floats, {@code tileStride} apart), or adds it to what is there when {@code accumulate}.
     */
    static void multiply(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile, int tileIndex,
                         int tileStride, boolean accumulate) {
        FloatVector c0 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex) : FloatVector.zero(SPECIES);
        FloatVector c1 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + tileStride) : FloatVector.zero(SPECIES);
        FloatVector c2 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 2 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c3 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 3 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c4 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 4 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c5 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 5 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c6 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 6 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c7 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 7 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c8 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 8 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c9 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 9 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 10 * tileStride) : FloatVector.zero(SPECIES);
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, tile, tileIndex + 11 * tileStride) : FloatVector.zero(SPECIES);
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
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bIndex + p * COLUMNS);
            c0 = FloatVector.broadcast(SPECIES, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[a1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[a2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[a3 + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, a[a4 + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, a[a5 + p]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, a[a6 + p]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, a[a7 + p]).fma(b0, c7);
            c8 = FloatVector.broadcast(SPECIES, a[a8 + p]).fma(b0, c8);
            c9 = FloatVector.broadcast(SPECIES, a[a9 + p]).fma(b0, c9);
            c10 = FloatVector.broadcast(SPECIES, a[a10 + p]).fma(b0, c10);
            c11 = FloatVector.broadcast(SPECIES, a[a11 + p]).fma(b0, c11);
        }
        c0.intoArray(tile, tileIndex);
        c1.intoArray(tile, tileIndex + tileStride);
        c2.intoArray(tile, tileIndex + 2 * tileStride);
        c3.intoArray(tile, tileIndex + 3 * tileStride);
        c4.intoArray(tile, tileIndex + 4 * tileStride);
        c5.intoArray(tile, tileIndex + 5 * tileStride);
        c6.intoArray(tile, tileIndex + 6 * tileStride);
        c7.intoArray(tile, tileIndex + 7 * tileStride);
        c8.intoArray(tile, tileIndex + 8 * tileStride);
        c9.intoArray(tile, tileIndex + 9 * tileStride);
        c10.intoArray(tile, tileIndex + 10 * tileStride);
        c11.intoArray(tile, tileIndex + 11 * tileStride);
    }

    /**
     * Writes {@code max(A[ROWS x segments*kc] x B[segments*kc x COLUMNS] + bias, floor)} to ROWS rows of
     * {@code out} from {@code outIndex}, {@code outStride} apart, where A's depth comes in {@code segments} runs
     * of {@code kc} floats, {@code segmentStride} apart (row {@code r}, run {@code s}, step {@code p} at
     * {@code a[aIndex + r*lda + s*segmentStride + p]}) and B's packed rows follow one another: a whole
     * convolution window, one filter row per run, in one call, where {@link #multiply} takes a call and a
     * round trip of the tile per filter row. The bias (zero when it is null) and the floor (0 for a ReLU,
     * negative infinity for none) are {@link GemmWriteBack}'s, applied in the same order, and the sums run
     * in the same order as those calls', so a full tile written here has the bits the calls and the
     * write-back give. Only this tile has the loop: nested the same way, the 12 x 2 kernel ran at half
     * speed (see {@code VectorConv2d}'s forward).
     */
    static void multiplySegments(int kc, int segments, int segmentStride, float[] a, int aIndex, int lda, float[] b,
                                 int bIndex, float[] bias, int biasIndex, float floor, float[] out, int outIndex,
                                 int outStride) {
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = FloatVector.zero(SPECIES);
        FloatVector c2 = FloatVector.zero(SPECIES);
        FloatVector c3 = FloatVector.zero(SPECIES);
        FloatVector c4 = FloatVector.zero(SPECIES);
        FloatVector c5 = FloatVector.zero(SPECIES);
        FloatVector c6 = FloatVector.zero(SPECIES);
        FloatVector c7 = FloatVector.zero(SPECIES);
        FloatVector c8 = FloatVector.zero(SPECIES);
        FloatVector c9 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
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
        int bRow = bIndex;
        for (int segment = 0, start = 0; segment < segments; segment++, start += segmentStride) {
            final int end = start + kc;
            for (int p = start; p < end; p++, bRow += COLUMNS) {
                final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
                c0 = FloatVector.broadcast(SPECIES, a[a0 + p]).fma(b0, c0);
                c1 = FloatVector.broadcast(SPECIES, a[a1 + p]).fma(b0, c1);
                c2 = FloatVector.broadcast(SPECIES, a[a2 + p]).fma(b0, c2);
                c3 = FloatVector.broadcast(SPECIES, a[a3 + p]).fma(b0, c3);
                c4 = FloatVector.broadcast(SPECIES, a[a4 + p]).fma(b0, c4);
                c5 = FloatVector.broadcast(SPECIES, a[a5 + p]).fma(b0, c5);
                c6 = FloatVector.broadcast(SPECIES, a[a6 + p]).fma(b0, c6);
                c7 = FloatVector.broadcast(SPECIES, a[a7 + p]).fma(b0, c7);
                c8 = FloatVector.broadcast(SPECIES, a[a8 + p]).fma(b0, c8);
                c9 = FloatVector.broadcast(SPECIES, a[a9 + p]).fma(b0, c9);
                c10 = FloatVector.broadcast(SPECIES, a[a10 + p]).fma(b0, c10);
                c11 = FloatVector.broadcast(SPECIES, a[a11 + p]).fma(b0, c11);
            }
        }
        final FloatVector shift = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex);
        // max(c, floor) as a compare and a blend (VectorRelu says why).
        final FloatVector floorVector = FloatVector.broadcast(SPECIES, floor);
        c0 = c0.add(shift);
        c0.blend(floorVector, c0.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex);
        c1 = c1.add(shift);
        c1.blend(floorVector, c1.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + outStride);
        c2 = c2.add(shift);
        c2.blend(floorVector, c2.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 2 * outStride);
        c3 = c3.add(shift);
        c3.blend(floorVector, c3.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 3 * outStride);
        c4 = c4.add(shift);
        c4.blend(floorVector, c4.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 4 * outStride);
        c5 = c5.add(shift);
        c5.blend(floorVector, c5.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 5 * outStride);
        c6 = c6.add(shift);
        c6.blend(floorVector, c6.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 6 * outStride);
        c7 = c7.add(shift);
        c7.blend(floorVector, c7.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 7 * outStride);
        c8 = c8.add(shift);
        c8.blend(floorVector, c8.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 8 * outStride);
        c9 = c9.add(shift);
        c9.blend(floorVector, c9.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 9 * outStride);
        c10 = c10.add(shift);
        c10.blend(floorVector, c10.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 10 * outStride);
        c11 = c11.add(shift);
        c11.blend(floorVector, c11.compare(VectorOperators.LE, floorVector)).intoArray(out, outIndex + 11 * outStride);
    }

    /**
     * {@link #multiplySegments} with every row placed by a table: row {@code r} of A, run {@code s}, step
     * {@code p} at {@code a[aIndex + aRows[r] + s*segmentStride + p]}, row {@code r} of C written at
     * {@code c[cIndex + cRows[r]]}. The input gradient's tiles run over all their tap rows in one call with
     * it, their pixels running on from one row to the next ({@link SubPixelInputGradient}).
     */
    static void multiplyRowsSegments(int kc, int segments, int segmentStride, float[] a, int aIndex, int[] aRows,
                                     float[] b, int bIndex, float[] c, int cIndex, int[] cRows) {
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = FloatVector.zero(SPECIES);
        FloatVector c2 = FloatVector.zero(SPECIES);
        FloatVector c3 = FloatVector.zero(SPECIES);
        FloatVector c4 = FloatVector.zero(SPECIES);
        FloatVector c5 = FloatVector.zero(SPECIES);
        FloatVector c6 = FloatVector.zero(SPECIES);
        FloatVector c7 = FloatVector.zero(SPECIES);
        FloatVector c8 = FloatVector.zero(SPECIES);
        FloatVector c9 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
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
        int bRow = bIndex;
        for (int segment = 0, start = 0; segment < segments; segment++, start += segmentStride) {
            final int end = start + kc;
            for (int p = start; p < end; p++, bRow += COLUMNS) {
                final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
                c0 = FloatVector.broadcast(SPECIES, a[a0 + p]).fma(b0, c0);
                c1 = FloatVector.broadcast(SPECIES, a[a1 + p]).fma(b0, c1);
                c2 = FloatVector.broadcast(SPECIES, a[a2 + p]).fma(b0, c2);
                c3 = FloatVector.broadcast(SPECIES, a[a3 + p]).fma(b0, c3);
                c4 = FloatVector.broadcast(SPECIES, a[a4 + p]).fma(b0, c4);
                c5 = FloatVector.broadcast(SPECIES, a[a5 + p]).fma(b0, c5);
                c6 = FloatVector.broadcast(SPECIES, a[a6 + p]).fma(b0, c6);
                c7 = FloatVector.broadcast(SPECIES, a[a7 + p]).fma(b0, c7);
                c8 = FloatVector.broadcast(SPECIES, a[a8 + p]).fma(b0, c8);
                c9 = FloatVector.broadcast(SPECIES, a[a9 + p]).fma(b0, c9);
                c10 = FloatVector.broadcast(SPECIES, a[a10 + p]).fma(b0, c10);
                c11 = FloatVector.broadcast(SPECIES, a[a11 + p]).fma(b0, c11);
            }
        }
        c0.intoArray(c, cIndex + cRows[0]);
        c1.intoArray(c, cIndex + cRows[1]);
        c2.intoArray(c, cIndex + cRows[2]);
        c3.intoArray(c, cIndex + cRows[3]);
        c4.intoArray(c, cIndex + cRows[4]);
        c5.intoArray(c, cIndex + cRows[5]);
        c6.intoArray(c, cIndex + cRows[6]);
        c7.intoArray(c, cIndex + cRows[7]);
        c8.intoArray(c, cIndex + cRows[8]);
        c9.intoArray(c, cIndex + cRows[9]);
        c10.intoArray(c, cIndex + cRows[10]);
        c11.intoArray(c, cIndex + cRows[11]);
    }
}
