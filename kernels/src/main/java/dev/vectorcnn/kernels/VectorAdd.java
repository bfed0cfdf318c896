package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link ScalarAdd} on the Vector API; scalar tail. */
final class VectorAdd {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorAdd() {
    }

    static void inPlace(float[] sum, float[] addend, int start, int end) {
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, sum, i).add(FloatVector.fromArray(SPECIES, addend, i)).intoArray(sum, i);
        }
        ScalarAdd.inPlace(sum, addend, i, end);
    }
}
