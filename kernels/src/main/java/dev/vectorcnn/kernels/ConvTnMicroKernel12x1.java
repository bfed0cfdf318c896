package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 1-vector micro-kernel for a transposed A read in place:
 * {@code tile = A^T[12 x kc] x B[kc x COLUMNS]} with A's element (row r, depth p) at
 * {@code a[aIndex + offsets[p] + r]}: {@link ConvTnMicroKernel12x2} for at most {@code lanes} output
 * channels, the tile of {@link GemmMicroKernel12x1}. Its callers, its contract and its fused bias and
 * activation floor are {@link ConvTnMicroKernel12x2}'s.
 */
final class ConvTnMicroKernel12x1 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 12;
    static final int COLUMNS = SPECIES.length();

    private ConvTnMicroKernel12x1() {
    }

    /**
     * Writes {@code max(A^T[ROWS x kc] x B[kc x COLUMNS] + (accumulate ? C : bias), floor)} to ROWS rows
     * {@code ldc} apart, as {@link ConvTnMicroKernel12x2#run} does.
     */
    static void run(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] bias,
                    int biasIndex, float floor, float[] c, int cIndex, int ldc, boolean accumulate) {
        final FloatVector bias0 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex);
        FloatVector c0 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex) : bias0;
        FloatVector c1 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + ldc) : bias0;
        FloatVector c2 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 2 * ldc) : bias0;
        FloatVector c3 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 3 * ldc) : bias0;
        FloatVector c4 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 4 * ldc) : bias0;
        FloatVector c5 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 5 * ldc) : bias0;
        FloatVector c6 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 6 * ldc) : bias0;
        FloatVector c7 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 7 * ldc) : bias0;
        FloatVector c8 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 8 * ldc) : bias0;
        FloatVector c9 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 9 * ldc) : bias0;
        FloatVector c10 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 10 * ldc) : bias0;
        FloatVector c11 = accumulate ? FloatVector.fromArray(SPECIES, c, cIndex + 11 * ldc) : bias0;
        for (int p = 0; p < kc; p++) {
            final int aColumn = aIndex + offsets[p];
            final FloatVector b0 = FloatVector.fromArray(SPECIES, b, bIndex + p * COLUMNS);
            c0 = FloatVector.broadcast(SPECIES, a[aColumn]).fma(b0, c0);
            c1 = FloatVector.broadcast(SPECIES, a[aColumn + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(SPECIES, a[aColumn + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(SPECIES, a[aColumn + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(SPECIES, a[aColumn + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(SPECIES, a[aColumn + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(SPECIES, a[aColumn + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(SPECIES, a[aColumn + 7]).fma(b0, c7);
            c8 = FloatVector.broadcast(SPECIES, a[aColumn + 8]).fma(b0, c8);
            c9 = FloatVector.broadcast(SPECIES, a[aColumn + 9]).fma(b0, c9);
            c10 = FloatVector.broadcast(SPECIES, a[aColumn + 10]).fma(b0, c10);
            c11 = FloatVector.broadcast(SPECIES, a[aColumn + 11]).fma(b0, c11);
        }
        // max(c, floor) as a compare and a blend (VectorRelu says why).
        final FloatVector floorVector = FloatVector.broadcast(SPECIES, floor);
        c0.blend(floorVector, c0.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex);
        c1.blend(floorVector, c1.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + ldc);
        c2.blend(floorVector, c2.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 2 * ldc);
        c3.blend(floorVector, c3.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 3 * ldc);
        c4.blend(floorVector, c4.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 4 * ldc);
        c5.blend(floorVector, c5.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 5 * ldc);
        c6.blend(floorVector, c6.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 6 * ldc);
        c7.blend(floorVector, c7.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 7 * ldc);
        c8.blend(floorVector, c8.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 8 * ldc);
        c9.blend(floorVector, c9.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 9 * ldc);
        c10.blend(floorVector, c10.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 10 * ldc);
        c11.blend(floorVector, c11.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 11 * ldc);
    }
}
