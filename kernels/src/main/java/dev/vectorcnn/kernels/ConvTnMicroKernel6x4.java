package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 4-vector micro-kernel for a transposed A read in place:
 * {@code tile = A^T[6 x kc] x B[kc x COLUMNS]} with A's element (row r, depth p) at
 * {@code a[aIndex + offsets[p] + r]}, 24 accumulators held in registers while p runs.
 *
 * <p>The convolution reads patch values where they already are this way, 6 adjacent patch columns
 * (filter taps and channels) being the tile's rows and one output pixel the depth step, so the
 * values broadcast per step are contiguous and no transposed copy is made:
 * <ul>
 *   <li>the filter gradient reads zero-padded input rows, where the windows of consecutive output
 *       pixels are evenly spaced within an output row but jump between rows, so no single stride
 *       fits a block of several output rows; it accumulates into a partial whose rows are exactly
 *       {@code COLUMNS} wide, so the sum over blocks needs no separate write-back;</li>
 *   <li>a one-channel, horizontal-stride-1 forward reads each filter tap's padded row, 6 adjacent pixels of
 *       an output row being adjacent floats of it;</li>
 *   <li>the other short-row forwards and the filter gradient's gathered blocks read a transposed
 *       gather with a stride, {@code offsets[p] = p * lda}. A copy of this kernel with the stride
 *       in place of the table ran 1-4% faster alone on L1 data; it was dropped, being otherwise the
 *       same code and off the MNIST network's path.</li>
 * </ul>
 * The caller guarantees 6 readable values at every {@code aIndex + offsets[p]}, even for a ragged
 * last tile (those rows are computed, never written). B comes packed as {@code kc} rows of
 * {@code COLUMNS} floats, zero-padded past the last real column.
 *
 * <p>It is the tile of {@link GemmMicroKernel6x4}. It applies at most a bias and an activation floor on
 * the way out and leaves alpha and ragged edges to {@link GemmWriteBack}:
 * measured with {@code -XX:+PrintInlining}, C2 does not inline a write-back helper that takes vector
 * arguments into a kernel this large ("callee is too large"), so every accumulator was boxed on the
 * way out, which halved conv2's rate and held a K=9 layer (MNIST conv1) to 18 GFLOP/s.
 * {@code intoArray} is an intrinsic.
 */
final class ConvTnMicroKernel6x4 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 6;
    static final int COLUMNS = 4 * SPECIES.length();

    private ConvTnMicroKernel6x4() {
    }

    /**
     * Writes {@code max(A^T[ROWS x kc] x B[kc x COLUMNS] + (accumulate ? C : bias), floor)} to ROWS rows
     * {@code ldc} apart: the accumulators start at C's values when {@code accumulate}, otherwise at the
     * bias (zero when it is null), and {@code floor} is 0 for a fused ReLU, negative infinity for none
     * (which leaves every value, NaN and -0.0 included, as it is). So it writes a raw scratch tile for
     * {@link GemmWriteBack}, adds to a filter-gradient partial, or writes a full tile of C with its bias
     * and activation applied, where the round trip through a scratch tile cost more than the
     * multiply-adds (MNIST conv1: kc = 9).
     */
    static void run(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] bias,
                    int biasIndex, float floor, float[] c, int cIndex, int ldc, boolean accumulate) {
        final int lanes = SPECIES.length();
        final FloatVector bias0 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex);
        final FloatVector bias1 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex + lanes);
        final FloatVector bias2 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex + 2 * lanes);
        final FloatVector bias3 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex + 3 * lanes);
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex) : bias0;
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + lanes) : bias1;
        FloatVector c02 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * lanes) : bias2;
        FloatVector c03 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * lanes) : bias3;
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc) : bias0;
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + lanes) : bias1;
        FloatVector c12 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + 2 * lanes) : bias2;
        FloatVector c13 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + 3 * lanes) : bias3;
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc) : bias0;
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + lanes) : bias1;
        FloatVector c22 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + 2 * lanes) : bias2;
        FloatVector c23 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + 3 * lanes) : bias3;
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc) : bias0;
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + lanes) : bias1;
        FloatVector c32 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + 2 * lanes) : bias2;
        FloatVector c33 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + 3 * lanes) : bias3;
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc) : bias0;
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + lanes) : bias1;
        FloatVector c42 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + 2 * lanes) : bias2;
        FloatVector c43 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + 3 * lanes) : bias3;
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc) : bias0;
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + lanes) : bias1;
        FloatVector c52 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + 2 * lanes) : bias2;
        FloatVector c53 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + 3 * lanes) : bias3;
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + p * COLUMNS;
            final int aColumn = aIndex + offsets[p];
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            final FloatVector b2 = FloatVector.fromArray(SPECIES, b, bRow + 2 * lanes);
            final FloatVector b3 = FloatVector.fromArray(SPECIES, b, bRow + 3 * lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[aColumn]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01); c02 = ar.fma(b2, c02); c03 = ar.fma(b3, c03);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 1]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11); c12 = ar.fma(b2, c12); c13 = ar.fma(b3, c13);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 2]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21); c22 = ar.fma(b2, c22); c23 = ar.fma(b3, c23);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 3]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31); c32 = ar.fma(b2, c32); c33 = ar.fma(b3, c33);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 4]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41); c42 = ar.fma(b2, c42); c43 = ar.fma(b3, c43);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 5]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51); c52 = ar.fma(b2, c52); c53 = ar.fma(b3, c53);
        }
        // max(c, floor) as a compare and a blend (VectorRelu says why).
        final FloatVector floorVector = FloatVector.broadcast(SPECIES, floor);
        c00.blend(floorVector, c00.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex);
        c01.blend(floorVector, c01.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + lanes);
        c02.blend(floorVector, c02.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * lanes);
        c03.blend(floorVector, c03.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * lanes);
        c10.blend(floorVector, c10.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc);
        c11.blend(floorVector, c11.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc + lanes);
        c12.blend(floorVector, c12.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc + 2 * lanes);
        c13.blend(floorVector, c13.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc + 3 * lanes);
        c20.blend(floorVector, c20.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc);
        c21.blend(floorVector, c21.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc + lanes);
        c22.blend(floorVector, c22.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc + 2 * lanes);
        c23.blend(floorVector, c23.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc + 3 * lanes);
        c30.blend(floorVector, c30.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc);
        c31.blend(floorVector, c31.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc + lanes);
        c32.blend(floorVector, c32.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc + 2 * lanes);
        c33.blend(floorVector, c33.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc + 3 * lanes);
        c40.blend(floorVector, c40.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc);
        c41.blend(floorVector, c41.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc + lanes);
        c42.blend(floorVector, c42.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc + 2 * lanes);
        c43.blend(floorVector, c43.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc + 3 * lanes);
        c50.blend(floorVector, c50.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc);
        c51.blend(floorVector, c51.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc + lanes);
        c52.blend(floorVector, c52.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc + 2 * lanes);
        c53.blend(floorVector, c53.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc + 3 * lanes);
    }
}
