package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link ScalarAccuracy#countGreater} on the Vector API: a lane-wise compare and a mask count per vector. */
final class VectorAccuracy {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorAccuracy() {
    }

    static int countGreater(float[] logits, int start, int count, float target) {
        int greater = 0;
        int i = 0;
        for (int bound = SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            greater += FloatVector.fromArray(SPECIES, logits, start + i).compare(VectorOperators.GT, target).trueCount();
        }
        return greater + ScalarAccuracy.countGreater(logits, start + i, count - i, target);
    }
}
