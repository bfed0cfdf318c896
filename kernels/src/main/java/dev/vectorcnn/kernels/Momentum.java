package dev.vectorcnn.kernels;

/**
 * One momentum step on a flat parameter array, as TensorFlow's {@code ApplyMomentum} (TF1
 * {@code MomentumOptimizer}, not Nesterov): {@code accum = accum * momentum + g; p -= accum * learningRate}.
 * As in TensorFlow, whose CPU kernels run with flush-to-zero set, a subnormal gradient counts as zero
 * and an accumulator under {@code Float.MIN_NORMAL} in magnitude is stored as zero (see {@link Subnormals}).
 * The fast path ({@link VectorMomentum}) gives the same bits as {@link ScalarMomentum}.
 */
public final class Momentum {

    private static final String[] NAMES = {"params", "grads", "velocity"};

    private Momentum() {
    }

    /**
     * Updates {@code velocity} (TensorFlow's accumulator, zero before the first step) and
     * {@code params} in place for elements {@code [0, n)}.
     *
     * @param params       parameters, at least {@code n} elements, updated in place
     * @param grads        gradients of the loss with respect to {@code params}, at least {@code n} elements
     * @param velocity     TensorFlow's accumulator, at least {@code n} elements, updated in place
     * @param n            count of elements, from index 0; not negative
     * @param learningRate step size, finite and not negative
     * @param momentum     decay of the accumulator, finite and not negative
     * @throws IllegalArgumentException if n is negative, an array is shorter than n, or learningRate or
     *                                  momentum is negative or not finite; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void update(float[] params, float[] grads, float[] velocity, int n, float learningRate, float momentum) {
        HyperparameterChecks.elements(n, NAMES, params, grads, velocity);
        HyperparameterChecks.nonNegativeFinite("learningRate", learningRate);
        HyperparameterChecks.nonNegativeFinite("momentum", momentum);
        FixedChunks.run(n, 2, KernelBackend.isVectorized()
                ? (start, end) -> VectorMomentum.update(params, grads, velocity, start, end, learningRate, momentum)
                : (start, end) -> ScalarMomentum.update(params, grads, velocity, start, end, learningRate, momentum));
    }
}
