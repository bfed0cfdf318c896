package dev.vectorcnn.kernels;

/** The momentum element update written plainly (see {@link Momentum}); the reference for {@link VectorMomentum}. */
final class ScalarMomentum {

    private ScalarMomentum() {
    }

    static void update(float[] params, float[] grads, float[] velocity, int start, int end,
                       float learningRate, float momentum) {
        for (int i = start; i < end; i++) {
            float accum = Subnormals.flushToZero(velocity[i] * momentum + Subnormals.flushToZero(grads[i]));
            velocity[i] = accum;
            params[i] -= accum * learningRate;
        }
    }
}
