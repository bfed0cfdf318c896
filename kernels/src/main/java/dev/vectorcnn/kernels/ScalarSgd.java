package dev.vectorcnn.kernels;

/** The gradient-descent element update written plainly (see {@link Sgd}); the reference for {@link VectorSgd}. */
final class ScalarSgd {

    private ScalarSgd() {
    }

    static void update(float[] params, float[] grads, int start, int end, float learningRate) {
        for (int i = start; i < end; i++) {
            params[i] -= Subnormals.flushToZero(grads[i]) * learningRate;
        }
    }
}
