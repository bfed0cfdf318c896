package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies every {@code stride}-th float into a contiguous run with vector gathers: the transposed
 * packings of {@link VectorGemm} (a column of a row-major matrix into a packed row). The dense layer's
 * backward pass packs {@code X^T} and {@code W^T} this way (157,000 and 200,000 floats per pass of 50
 * examples on the MNIST network); copied element by element they took about 2.5% of a training step, and
 * the dense backward pass runs 19% faster gathered (see bench/HISTORY.md).
 */
final class StridedGather {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private StridedGather() {
    }

    /**
     * The gather offsets {@code 0, stride, 2*stride, ...} for one vector, or null when the last one does
     * not fit an int (then {@link #copy} copies element by element).
     */
    static int[] offsets(int stride) {
        int lanes = SPECIES.length();
        if ((long) stride * (lanes - 1) > Integer.MAX_VALUE) {
            return null;
        }
        int[] offsets = new int[lanes];
        for (int lane = 0; lane < lanes; lane++) {
            offsets[lane] = lane * stride;
        }
        return offsets;
    }

    /**
     * {@code to[toIndex + j] = from[fromIndex + j * stride]} for {@code j < count}, with {@code offsets}
     * from {@link #offsets(int)} for the same stride.
     */
    static void copy(float[] from, int fromIndex, int stride, int[] offsets, float[] to, int toIndex, int count) {
        int lanes = SPECIES.length();
        int j = 0;
        if (offsets != null) {
            for (int bound = SPECIES.loopBound(count); j < bound; j += lanes) {
                FloatVector.fromArray(SPECIES, from, fromIndex + j * stride, offsets, 0).intoArray(to, toIndex + j);
            }
        }
        for (; j < count; j++) {
            to[toIndex + j] = from[fromIndex + j * stride];
        }
    }
}
