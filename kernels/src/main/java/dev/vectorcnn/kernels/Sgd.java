package dev.vectorcnn.kernels;

/**
 * One plain gradient-descent step on a flat parameter array, as TensorFlow's
 * {@code ApplyGradientDescent}: {@code p -= g * learningRate}, a subnormal gradient counting as zero
 * as in TensorFlow, whose CPU kernels run with denormals-are-zero set (see {@link Subnormals}). The
 * fast path ({@link VectorSgd}) gives the same bits as {@link ScalarSgd}.
 */
public final class Sgd {

    private static final String[] NAMES = {"params", "grads"};

    private Sgd() {
    }

    /**
     * {@code params[i] -= grads[i] * learningRate} for {@code i < n}.
     *
     * @param params       parameters, at least {@code n} elements, updated in place
     * @param grads        gradients of the loss with respect to {@code params}, at least {@code n} elements
     * @param n            count of elements, from index 0; not negative
     * @param learningRate step size, finite and not negative
     * @throws IllegalArgumentException if n is negative, an array is shorter than n, or learningRate is
     *                                  negative or not finite; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void update(float[] params, float[] grads, int n, float learningRate) {
        HyperparameterChecks.elements(n, NAMES, params, grads);
        HyperparameterChecks.nonNegativeFinite("learningRate", learningRate);
        FixedChunks.run(n, 1, KernelBackend.isVectorized()
                ? (start, end) -> VectorSgd.update(params, grads, start, end, learningRate)
                : (start, end) -> ScalarSgd.update(params, grads, start, end, learningRate));
    }
}
