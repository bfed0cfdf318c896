package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link ScalarSgd} on the Vector API (multiply then subtract, no FMA: same bits); scalar tail. */
final class VectorSgd {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorSgd() {
    }

    static void update(float[] params, float[] grads, int start, int end, float learningRate) {
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector step = VectorSubnormals.flushToZero(FloatVector.fromArray(SPECIES, grads, i)).mul(learningRate);
            FloatVector.fromArray(SPECIES, params, i).sub(step).intoArray(params, i);
        }
        ScalarSgd.update(params, grads, i, end, learningRate);
    }
}
