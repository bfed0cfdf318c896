package dev.vectorcnn.kernels;

/**
 * One Adam step on a flat parameter array, exactly as TensorFlow's {@code ApplyAdam} kernel (behind
 * TF1's {@code AdamOptimizer} and Keras' {@code Adam} without amsgrad):
 * <pre>
 * alpha = learningRate * sqrt(1 - beta2^t) / (1 - beta1^t)      (float, beta^t rounded to float)
 * m += (g - m) * (1 - beta1)                                     (= beta1 * m + (1 - beta1) * g)
 * v += (g * g - v) * (1 - beta2)                                 (= beta2 * v + (1 - beta2) * g^2)
 * p -= m * alpha / (sqrt(v) + epsilon)
 * </pre>
 * Note TensorFlow's epsilon is the "epsilon hat" of the Adam paper: it is added after the bias
 * correction is folded into alpha. As in TensorFlow, whose CPU kernels run with flush-to-zero set, a
 * subnormal gradient counts as zero and {@code m} and {@code v} are stored as zero when their magnitude
 * falls below {@code Float.MIN_NORMAL} (see {@link Subnormals}: this also keeps the moments of weights
 * that get no gradient from lingering as subnormals, which made each update several times slower).
 * The fast path ({@link VectorAdam}) performs the same float operations in the same order as
 * {@link ScalarAdam}, so both give the same bits for any thread count.
 */
public final class Adam {

    /** TensorFlow's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 0.001f;
    /** TensorFlow's default decay of the first moment. */
    public static final float DEFAULT_BETA1 = 0.9f;
    /** TensorFlow's default decay of the second moment. */
    public static final float DEFAULT_BETA2 = 0.999f;
    /**
     * TensorFlow 1's default epsilon ({@code tf.train.AdamOptimizer}, the tutorial's optimizer); Keras'
     * {@code Adam} defaults to 1e-7.
     */
    public static final float DEFAULT_EPSILON = 1e-8f;

    private static final String[] NAMES = {"params", "grads", "m", "v"};

    private Adam() {
    }

    /**
     * Updates {@code params}, {@code m} and {@code v} in place for elements {@code [0, n)}.
     *
     * @param params parameters, at least {@code n} elements, updated in place
     * @param grads gradients of the loss with respect to {@code params}, at least {@code n} elements
     * @param m    first-moment accumulator, zero before step 1
     * @param v    second-moment accumulator, zero before step 1
     * @param n    count of elements, from index 0; not negative
     * @param step the 1-based number of this update (TensorFlow's {@code t} after increment)
     * @param learningRate step size, finite and not negative
     * @param beta1 decay of the first moment {@code m}, in {@code [0, 1)}
     * @param beta2 decay of the second moment {@code v}, in {@code [0, 1)}
     * @param epsilon added to {@code sqrt(v)} in the denominator, finite and positive
     * @throws IllegalArgumentException if n is negative, an array is shorter than n, step &lt; 1,
     *                                  learningRate is negative or not finite, a beta is outside [0, 1),
     *                                  epsilon is not finite or not &gt; 0, or the bias-corrected step size
     *                                  overflows; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void update(float[] params, float[] grads, float[] m, float[] v, int n, long step,
                              float learningRate, float beta1, float beta2, float epsilon) {
        HyperparameterChecks.elements(n, NAMES, params, grads, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1 (1-based), got " + step);
        }
        HyperparameterChecks.nonNegativeFinite("learningRate", learningRate);
        HyperparameterChecks.decayRate("beta1", beta1);
        HyperparameterChecks.decayRate("beta2", beta2);
        HyperparameterChecks.positiveFinite("epsilon", epsilon);
        float beta1Power = (float) Math.pow(beta1, step);
        float beta2Power = (float) Math.pow(beta2, step);
        float alpha = learningRate * (float) Math.sqrt(1f - beta2Power) / (1f - beta1Power);
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("learningRate " + learningRate + " with beta1 " + beta1 + ", beta2 "
                    + beta2 + " at step " + step + " gives an infinite step size alpha = learningRate * sqrt(1 - beta2^t)"
                    + " / (1 - beta1^t)");
        }
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        FixedChunks.run(n, 4, KernelBackend.isVectorized()
                ? (start, end) -> VectorAdam.update(params, grads, m, v, start, end, alpha, oneMinusBeta1, oneMinusBeta2, epsilon)
                : (start, end) -> ScalarAdam.update(params, grads, m, v, start, end, alpha, oneMinusBeta1, oneMinusBeta2, epsilon));
    }
}
