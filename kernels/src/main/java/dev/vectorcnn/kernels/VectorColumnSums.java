package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarColumnSums} on the Vector API: one vector of adjacent columns accumulated down the rows,
 * so every column is still summed from 0 in row order and the result is bitwise the scalar one.
 */
final class VectorColumnSums {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorColumnSums() {
    }

    static void sum(int rows, int cols, float[] matrix, float[] sums, int start, int end) {
        int j = start;
        for (int bound = start + SPECIES.loopBound(end - start); j < bound; j += SPECIES.length()) {
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int r = 0; r < rows; r++) {
                sum = sum.add(FloatVector.fromArray(SPECIES, matrix, r * cols + j));
            }
            sum.intoArray(sums, j);
        }
        ScalarColumnSums.sum(rows, cols, matrix, sums, j, end);
    }
}
