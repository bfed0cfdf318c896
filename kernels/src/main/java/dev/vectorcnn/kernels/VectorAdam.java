package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarAdam} on the Vector API: the same float operations in the same order, no fused
 * multiply-add (it would round differently), so the bits match the scalar reference; scalar tail.
 */
final class VectorAdam {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorAdam() {
    }

    static void update(float[] params, float[] grads, float[] m, float[] v, int start, int end,
                       float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon) {
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector g = VectorSubnormals.flushToZero(FloatVector.fromArray(SPECIES, grads, i));
            FloatVector mi = FloatVector.fromArray(SPECIES, m, i);
            FloatVector vi = FloatVector.fromArray(SPECIES, v, i);
            mi = VectorSubnormals.flushToZero(mi.add(g.sub(mi).mul(oneMinusBeta1)));
            vi = VectorSubnormals.flushToZero(vi.add(g.mul(g).sub(vi).mul(oneMinusBeta2)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector step = mi.mul(alpha).div(vi.sqrt().add(epsilon));
            FloatVector.fromArray(SPECIES, params, i).sub(step).intoArray(params, i);
        }
        ScalarAdam.update(params, grads, m, v, i, end, alpha, oneMinusBeta1, oneMinusBeta2, epsilon);
    }
}
