package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 2-vector micro-kernel for a transposed A read in place:
 * {@code tile = A^T[12 x kc] x B[kc x COLUMNS]} with A's element (row r, depth p) at
 * {@code a[aIndex + offsets[p] + r]}, 24 accumulators held in registers while p runs.
 *
 * <p>The convolution reads patch values where they already are this way, 12 adjacent patch columns
 * (filter taps and channels) being the tile's rows and one output pixel the depth step, so the
 * values broadcast per step are contiguous and no transposed copy is made:
 * <ul>
 *   <li>the filter gradient reads zero-padded input rows, where the windows of consecutive output
 *       pixels are evenly spaced within an output row but jump between rows, so no single stride
 *       fits a block of several output rows; it accumulates into a partial whose rows are exactly
 *       {@code COLUMNS} wide, so the sum over blocks needs no separate write-back;</li>
 *   <li>a one-channel, horizontal-stride-1 forward reads each filter tap's padded row, 12 adjacent pixels of
 *       an output row being adjacent floats of it;</li>
 *   <li>the other short-row forwards and the filter gradient's gathered blocks read a transposed
 *       gather with a stride, {@code offsets[p] = p * lda}. A copy of this kernel with the stride
 *       in place of the table ran 1-4% faster alone on L1 data; it was dropped, being otherwise the
 *       same code and off the MNIST network's path.</li>
 * </ul>
 * The caller guarantees 12 readable values at every {@code aIndex + offsets[p]}, even for a ragged
 * last tile (those rows are computed, never written). B comes packed as {@code kc} rows of
 * {@code COLUMNS} floats, zero-padded past the last real column.
 *
 * <p>It is the tile of {@link GemmMicroKernel12x2}. It applies at most a bias and an activation floor on
 * the way out and leaves alpha and ragged edges to {@link GemmWriteBack}:
 * measured with {@code -XX:+PrintInlining}, C2 does not inline a write-back helper that takes vector
 * arguments into a kernel this large ("callee is too large"), so every accumulator was boxed on the
 * way out, which halved conv2's rate and held a K=9 layer (MNIST conv1) to 18 GFLOP/s.
 * {@code intoArray} is an intrinsic.
 */
final class ConvTnMicroKernel12x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = 2 * SPECIES.length();

    private ConvTnMicroKernel12x2() {
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
        FloatVector c00 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex) : bias0;
        FloatVector c01 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + lanes) : bias1;
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc) : bias0;
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc + lanes) : bias1;
        FloatVector c20 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc) : bias0;
        FloatVector c21 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc + lanes) : bias1;
        FloatVector c30 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc) : bias0;
        FloatVector c31 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc + lanes) : bias1;
        FloatVector c40 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc) : bias0;
        FloatVector c41 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc + lanes) : bias1;
        FloatVector c50 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc) : bias0;
        FloatVector c51 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc + lanes) : bias1;
        FloatVector c60 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc) : bias0;
        FloatVector c61 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc + lanes) : bias1;
        FloatVector c70 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc) : bias0;
        FloatVector c71 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc + lanes) : bias1;
        FloatVector c80 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 8 * ldc) : bias0;
        FloatVector c81 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 8 * ldc + lanes) : bias1;
        FloatVector c90 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 9 * ldc) : bias0;
        FloatVector c91 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 9 * ldc + lanes) : bias1;
        FloatVector c100 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 10 * ldc) : bias0;
        FloatVector c101 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 10 * ldc + lanes) : bias1;
        FloatVector c110 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 11 * ldc) : bias0;
        FloatVector c111 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 11 * ldc + lanes) : bias1;
        for (int p = 0; p < kc; p++) {
            final int bRow = bIndex + p * COLUMNS;
            final int aColumn = aIndex + offsets[p];
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
            final FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + lanes);
            FloatVector ar;
            ar = FloatVector.broadcast(SPECIES, a[aColumn]);
            c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 1]);
            c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 2]);
            c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 3]);
            c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 4]);
            c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 5]);
            c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 6]);
            c60 = ar.fma(b0, c60); c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 7]);
            c70 = ar.fma(b0, c70); c71 = ar.fma(b1, c71);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 8]);
            c80 = ar.fma(b0, c80); c81 = ar.fma(b1, c81);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 9]);
            c90 = ar.fma(b0, c90); c91 = ar.fma(b1, c91);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 10]);
            c100 = ar.fma(b0, c100); c101 = ar.fma(b1, c101);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 11]);
            c110 = ar.fma(b0, c110); c111 = ar.fma(b1, c111);
        }
        // max(c, floor) as a compare and a blend (VectorRelu says why).
        final FloatVector floorVector = FloatVector.broadcast(SPECIES, floor);
        c00.blend(floorVector, c00.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex);
        c01.blend(floorVector, c01.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + lanes);
        c10.blend(floorVector, c10.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc);
        c11.blend(floorVector, c11.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc + lanes);
        c20.blend(floorVector, c20.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc);
        c21.blend(floorVector, c21.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc + lanes);
        c30.blend(floorVector, c30.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc);
        c31.blend(floorVector, c31.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc + lanes);
        c40.blend(floorVector, c40.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc);
        c41.blend(floorVector, c41.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc + lanes);
        c50.blend(floorVector, c50.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc);
        c51.blend(floorVector, c51.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc + lanes);
        c60.blend(floorVector, c60.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 6 * ldc);
        c61.blend(floorVector, c61.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 6 * ldc + lanes);
        c70.blend(floorVector, c70.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 7 * ldc);
        c71.blend(floorVector, c71.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 7 * ldc + lanes);
        c80.blend(floorVector, c80.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 8 * ldc);
        c81.blend(floorVector, c81.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 8 * ldc + lanes);
        c90.blend(floorVector, c90.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 9 * ldc);
        c91.blend(floorVector, c91.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 9 * ldc + lanes);
        c100.blend(floorVector, c100.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 10 * ldc);
        c101.blend(floorVector, c101.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 10 * ldc + lanes);
        c110.blend(floorVector, c110.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 11 * ldc);
        c111.blend(floorVector, c111.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 11 * ldc + lanes);
    }
}
