package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 14 x 2-vector micro-kernel for a transposed A read in place: {@link ConvTnMicroKernel12x2} with
 * two more rows, {@code tile = A^T[14 x kc] x B[kc x COLUMNS]} with A's element (row r, depth p) at
 * {@code a[aIndex + offsets[p] + r]}, 28 accumulators held in registers while p runs.
 *
 * <p>It exists for the one-channel, horizontal-stride-1 forward ({@code VectorConv2d.forwardRowsInPlace}), whose
 * tiles hold pixels of one output row: rows of 28 pixels (MNIST's) are two tiles of 14, where
 * tiles of 12 compute 36 pixels (the last tile overlapping its neighbour). MNIST conv1 is bound partly
 * by writing its output and partly by the multiply-adds, so the 22% fewer multiply-adds made its
 * forward pass about 20% faster (JMH, 5 interleaved rounds, 1 thread: 1,125 to 1,360 ops/s median).
 * At 512 bits that layer (3x3, 32 channels) now runs on {@link SingleChannel3x3Forward}, 1.22x faster
 * again; this tile serves the other one-channel, horizontal-stride-1 layers of more than one and at
 * most two vectors of output channels whose rows take tiles of 14 better than tiles of 12.
 *
 * <p>28 accumulators, 2 B vectors and the broadcasts need all 32 AVX-512 registers and one more: C2
 * keeps one accumulator on the stack (a load and a store per depth step, seen in the disassembly),
 * which does not limit a loop of 28 FMAs per step. The rest (B packed as {@code kc} rows of
 * {@code COLUMNS} floats, bias and activation floor applied on the way out, the caller guaranteeing
 * 14 readable values at every {@code aIndex + offsets[p]}) is as in {@link ConvTnMicroKernel12x2}.
 */
final class ConvTnMicroKernel14x2 {

    static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    static final int ROWS = 14;
    static final int COLUMNS = 2 * SPECIES.length();

    private ConvTnMicroKernel14x2() {
    }

    /**
     * Writes {@code max(A^T[ROWS x kc] x B[kc x COLUMNS] + bias, floor)} to ROWS rows {@code ldc} apart: the
     * accumulators start at the bias (zero when it is null), and {@code floor} is 0 for a fused ReLU,
     * negative infinity for none (which leaves every value, NaN and -0.0 included, as it is).
     */
    static void run(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] bias,
                    int biasIndex, float floor, float[] c, int cIndex, int ldc) {
        final int lanes = SPECIES.length();
        final FloatVector bias0 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex);
        final FloatVector bias1 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, biasIndex + lanes);
        FloatVector c00 = bias0;
        FloatVector c01 = bias1;
        FloatVector c10 = bias0;
        FloatVector c11 = bias1;
        FloatVector c20 = bias0;
        FloatVector c21 = bias1;
        FloatVector c30 = bias0;
        FloatVector c31 = bias1;
        FloatVector c40 = bias0;
        FloatVector c41 = bias1;
        FloatVector c50 = bias0;
        FloatVector c51 = bias1;
        FloatVector c60 = bias0;
        FloatVector c61 = bias1;
        FloatVector c70 = bias0;
        FloatVector c71 = bias1;
        FloatVector c80 = bias0;
        FloatVector c81 = bias1;
        FloatVector c90 = bias0;
        FloatVector c91 = bias1;
        FloatVector c100 = bias0;
        FloatVector c101 = bias1;
        FloatVector c110 = bias0;
        FloatVector c111 = bias1;
        FloatVector c120 = bias0;
        FloatVector c121 = bias1;
        FloatVector c130 = bias0;
        FloatVector c131 = bias1;
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
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 12]);
            c120 = ar.fma(b0, c120); c121 = ar.fma(b1, c121);
            ar = FloatVector.broadcast(SPECIES, a[aColumn + 13]);
            c130 = ar.fma(b0, c130); c131 = ar.fma(b1, c131);
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
        c120.blend(floorVector, c120.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 12 * ldc);
        c121.blend(floorVector, c121.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 12 * ldc + lanes);
        c130.blend(floorVector, c130.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 13 * ldc);
        c131.blend(floorVector, c131.compare(VectorOperators.LE, floorVector)).intoArray(c, cIndex + 13 * ldc + lanes);
    }
}
