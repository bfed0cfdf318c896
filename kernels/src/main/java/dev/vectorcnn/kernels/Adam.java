package dev.vectorcnn.kernels;

import java.util.function.Supplier;

/**
 * One Adam step on a flat parameter array, exactly as TensorFlow's {@code ApplyAdam} kernel (behind
 * TF1's {@code AdamOptimizer}, the tutorial's optimizer, and Keras' {@code Adam} without amsgrad):
 * <pre>
 * alpha = learningRate * sqrt(1 - beta2Power) / (1 - beta1Power)      (in float)
 * m += (g - m) * (1 - beta1)                                           (= beta1 * m + (1 - beta1) * g)
 * v += (g * g - v) * (1 - beta2)                                       (= beta2 * v + (1 - beta2) * g^2)
 * p -= m * alpha / (sqrt(v) + epsilon)
 * </pre>
 * where {@code betaPower} is {@code beta^t} at the 1-based step {@code t}. {@code ApplyAdam} takes the
 * two powers as inputs; TF1's optimizer keeps them as float variables multiplied by beta after every
 * step, and {@link #betaPower} computes them that way, so {@code update} with a step count gives TF1's
 * bits (Keras' later optimizer takes a float {@code pow(beta, t)} instead, which differs in the last
 * bits from the third step on).
 * Note TensorFlow's epsilon is the "epsilon hat" of the Adam paper: it is added after the bias
 * correction is folded into alpha.
 *
 * <p>TensorFlow's CPU kernels run with flush-to-zero and denormals-are-zero set; here (see
 * {@link Subnormals}) a subnormal gradient counts as zero and {@code m} and {@code v} are stored as zero
 * when their magnitude falls below {@code Float.MIN_NORMAL}, which also keeps the moments of weights
 * that get no gradient from lingering as subnormals and making each update several times slower. The
 * products inside the update and the parameters are not flushed, so at the subnormal edge the results
 * can differ from TensorFlow's, by amounts far below a parameter's rounding (a moment under
 * {@code 1e-37} where TensorFlow's stops decaying).
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
     * Updates {@code params}, {@code m} and {@code v} in place for elements {@code [0, n)}, at step
     * {@code step}: the other {@code update} with the powers {@link #betaPower betaPower(beta1, step)} and
     * {@code betaPower(beta2, step)}, which take up to {@code step} float multiplications each to work
     * out (callers that run many steps keep the powers, advance them with {@link #nextBetaPower}, and
     * pass them).
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
        checkSettings(learningRate, beta1, beta2, epsilon);
        float beta1Power = betaPower(beta1, step);
        float beta2Power = betaPower(beta2, step);
        float alpha = alpha(learningRate, beta1Power, beta2Power, () -> "learningRate " + learningRate + " with beta1 "
                + beta1 + ", beta2 " + beta2 + " at step " + step);
        run(params, grads, m, v, n, alpha, beta1, beta2, epsilon);
    }

    /**
     * Updates {@code params}, {@code m} and {@code v} in place for elements {@code [0, n)}, given the
     * powers {@code beta1^t} and {@code beta2^t} of this step, as TensorFlow's {@code ApplyAdam} op takes
     * them.
     *
     * @param params parameters, at least {@code n} elements, updated in place
     * @param grads gradients of the loss with respect to {@code params}, at least {@code n} elements
     * @param m    first-moment accumulator, zero before step 1
     * @param v    second-moment accumulator, zero before step 1
     * @param n    count of elements, from index 0; not negative
     * @param beta1Power {@code beta1^t} at this step's 1-based {@code t}, for example {@link #betaPower}; in
     *                   {@code [0, 1)}
     * @param beta2Power {@code beta2^t}; in {@code [0, 1)}
     * @param learningRate step size, finite and not negative
     * @param beta1 decay of the first moment {@code m}, in {@code [0, 1)}
     * @param beta2 decay of the second moment {@code v}, in {@code [0, 1)}
     * @param epsilon added to {@code sqrt(v)} in the denominator, finite and positive
     * @throws IllegalArgumentException if n is negative, an array is shorter than n, a power or a beta is
     *                                  outside [0, 1), learningRate is negative or not finite, epsilon is
     *                                  not finite or not &gt; 0, or the bias-corrected step size overflows;
     *                                  nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void update(float[] params, float[] grads, float[] m, float[] v, int n, float beta1Power,
                              float beta2Power, float learningRate, float beta1, float beta2, float epsilon) {
        HyperparameterChecks.elements(n, NAMES, params, grads, m, v);
        HyperparameterChecks.decayRate("beta1Power", beta1Power);
        HyperparameterChecks.decayRate("beta2Power", beta2Power);
        checkSettings(learningRate, beta1, beta2, epsilon);
        float alpha = alpha(learningRate, beta1Power, beta2Power, () -> "learningRate " + learningRate
                + " with beta1Power " + beta1Power + ", beta2Power " + beta2Power);
        run(params, grads, m, v, n, alpha, beta1, beta2, epsilon);
    }

    private static void checkSettings(float learningRate, float beta1, float beta2, float epsilon) {
        HyperparameterChecks.nonNegativeFinite("learningRate", learningRate);
        HyperparameterChecks.decayRate("beta1", beta1);
        HyperparameterChecks.decayRate("beta2", beta2);
        HyperparameterChecks.positiveFinite("epsilon", epsilon);
    }

    /** TensorFlow's bias-corrected step size, in float; {@code settings} describes the caller's arguments for the error. */
    private static float alpha(float learningRate, float beta1Power, float beta2Power, Supplier<String> settings) {
        float alpha = learningRate * (float) Math.sqrt(1f - beta2Power) / (1f - beta1Power);
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException(settings.get() + " gives an infinite step size alpha = learningRate"
                    + " * sqrt(1 - beta2^t) / (1 - beta1^t)");
        }
        return alpha;
    }

    private static void run(float[] params, float[] grads, float[] m, float[] v, int n, float alpha, float beta1,
                            float beta2, float epsilon) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        FixedChunks.run(n, 4, KernelBackend.isVectorized()
                ? (start, end) -> VectorAdam.update(params, grads, m, v, start, end, alpha, oneMinusBeta1, oneMinusBeta2, epsilon)
                : (start, end) -> ScalarAdam.update(params, grads, m, v, start, end, alpha, oneMinusBeta1, oneMinusBeta2, epsilon));
    }

    /**
     * {@code beta^step} as TF1's {@code AdamOptimizer} keeps it: a float that starts at {@code beta} and is
     * multiplied by {@code beta} after every step, each product rounded to float and, as under TensorFlow's
     * flush-to-zero, a subnormal product (or beta) flushed to zero. The loop stops once the product is zero, so
     * whatever the step it takes at most 87,293 multiplications for 0.999 (zero from step 87,294 on) and
     * 873,177 for 0.9999.
     *
     * @param beta the decay, in {@code [0, 1)}
     * @param step the 1-based step, at least 1
     * @return {@code beta^step} as TensorFlow 1 computes it, in {@code [0, 1)}
     * @throws IllegalArgumentException if beta is outside [0, 1) or step &lt; 1
     */
    public static float betaPower(float beta, long step) {
        HyperparameterChecks.decayRate("beta", beta);
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1 (1-based), got " + step);
        }
        float power = Subnormals.flushToZero(beta);
        for (long t = 2; t <= step && power != 0f; t++) {
            power = Subnormals.flushToZero(power * beta);
        }
        return power;
    }

    /**
     * The power of the step after the one {@code power} belongs to: {@code power * beta} rounded to float,
     * a subnormal result flushed to zero, as TF1's optimizer updates it.
     *
     * @param power {@code beta^t}, or 1 for {@code t = 0}; in {@code [0, 1]}
     * @param beta  the decay, in {@code [0, 1)}
     * @return {@code beta^(t+1)} as TensorFlow 1 computes it
     * @throws IllegalArgumentException if power is outside [0, 1] or beta outside [0, 1)
     */
    public static float nextBetaPower(float power, float beta) {
        if (!(power >= 0f && power <= 1f)) {
            throw new IllegalArgumentException("power must be in [0, 1], got " + power);
        }
        HyperparameterChecks.decayRate("beta", beta);
        return Subnormals.flushToZero(power * beta);
    }
}
