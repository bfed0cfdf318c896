package dev.vectorcnn.model;

import java.util.List;

/**
 * Adam with bias correction, as TensorFlow's {@code AdamOptimizer} (the tutorial's optimizer):
 * defaults learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8, with epsilon added after the
 * bias correction (TensorFlow's "epsilon hat") and {@code beta^t} kept as TF1 keeps it, a float
 * multiplied by beta after each step (see {@link dev.vectorcnn.kernels.Adam}). State per parameter:
 * first moment {@code m}, second moment {@code v}.
 */
public final class Adam extends Optimizer {

    /** TensorFlow's default learning rate, 0.001. */
    public static final float DEFAULT_LEARNING_RATE = dev.vectorcnn.kernels.Adam.DEFAULT_LEARNING_RATE;
    /** TensorFlow's default decay of the first moment, 0.9. */
    public static final float DEFAULT_BETA1 = dev.vectorcnn.kernels.Adam.DEFAULT_BETA1;
    /** TensorFlow's default decay of the second moment, 0.999. */
    public static final float DEFAULT_BETA2 = dev.vectorcnn.kernels.Adam.DEFAULT_BETA2;
    /** TensorFlow's {@code AdamOptimizer} default epsilon, 1e-8 (Keras' {@code Adam} uses 1e-7). */
    public static final float DEFAULT_EPSILON = dev.vectorcnn.kernels.Adam.DEFAULT_EPSILON;

    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    /** The step {@link #beta1Power} and {@link #beta2Power} belong to; 0 (powers 1) before the first. */
    private long powersStep;
    private float beta1Power = 1f;
    private float beta2Power = 1f;

    /** Adam with all of TensorFlow's defaults. */
    public Adam() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * Adam with {@code learningRate} and TensorFlow's other defaults.
     *
     * @param learningRate step size, positive and finite
     */
    public Adam(float learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Adam with every setting given.
     *
     * @param learningRate step size, positive and finite
     * @param beta1        decay of the first moment {@code m}, in [0, 1)
     * @param beta2        decay of the second moment {@code v}, in [0, 1)
     * @param epsilon      added to {@code sqrt(v)} in the denominator after the bias correction, positive and finite
     */
    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        this.learningRate = checkRate("learningRate", learningRate);
        this.beta1 = checkFraction("beta1", beta1);
        this.beta2 = checkFraction("beta2", beta2);
        this.epsilon = checkRate("epsilon", epsilon);
    }

    @Override
    String typeName() {
        return "Adam";
    }

    @Override
    List<String> slotNames() {
        return List.of("m", "v");
    }

    @Override
    void update(float[] params, float[] grads, float[][] slots, int n, long step) {
        // TF1 keeps beta^t as float variables multiplied by beta after each step; so do these, worked
        // out from scratch only when the step does not follow the last one (after loading a checkpoint).
        if (step == powersStep + 1) {
            beta1Power = dev.vectorcnn.kernels.Adam.nextBetaPower(beta1Power, beta1);
            beta2Power = dev.vectorcnn.kernels.Adam.nextBetaPower(beta2Power, beta2);
        } else if (step != powersStep) {
            beta1Power = dev.vectorcnn.kernels.Adam.betaPower(beta1, step);
            beta2Power = dev.vectorcnn.kernels.Adam.betaPower(beta2, step);
        }
        powersStep = step;
        dev.vectorcnn.kernels.Adam.update(params, grads, slots[0], slots[1], n, beta1Power, beta2Power, learningRate,
                beta1, beta2, epsilon);
    }

    @Override
    public String toString() {
        return "Adam[learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon
                + "]";
    }
}
