package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link ScalarAccuracy#allFiniteAndAtMost} on the Vector API: two lane-wise compares per vector. */
final class VectorAccuracy {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorAccuracy() {
    }

    /**
     * {@code target} must be finite: then {@code x <= target} is false for NaN and +infinity, and
     * {@code x >= -Float.MAX_VALUE} for NaN and -infinity, so together they accept exactly the finite
     * values at most {@code target}.
     */
    static boolean allFiniteAndAtMost(float[] logits, int start, int count, float target) {
        int i = 0;
        for (int bound = SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, logits, start + i);
            if (!x.compare(VectorOperators.LE, target).and(x.compare(VectorOperators.GE, -Float.MAX_VALUE)).allTrue()) {
                return false;
            }
        }
        return ScalarAccuracy.allFiniteAndAtMost(logits, start + i, count - i, target);
    }
}
