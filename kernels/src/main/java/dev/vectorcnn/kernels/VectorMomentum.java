package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link ScalarMomentum} on the Vector API (no FMA: same bits as the scalar form); scalar tail. */
final class VectorMomentum {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorMomentum() {
    }

    static void update(float[] params, float[] grads, float[] velocity, int start, int end,
                       float learningRate, float momentum) {
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector accum = VectorSubnormals.flushToZero(FloatVector.fromArray(SPECIES, velocity, i).mul(momentum)
                    .add(VectorSubnormals.flushToZero(FloatVector.fromArray(SPECIES, grads, i))));
            accum.intoArray(velocity, i);
            FloatVector.fromArray(SPECIES, params, i).sub(accum.mul(learningRate)).intoArray(params, i);
        }
        ScalarMomentum.update(params, grads, velocity, i, end, learningRate, momentum);
    }
}
