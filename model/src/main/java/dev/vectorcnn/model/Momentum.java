package dev.vectorcnn.model;

import java.util.List;

/**
 * SGD with momentum as TensorFlow's {@code MomentumOptimizer}:
 * {@code velocity = momentum * velocity + g; p -= learningRate * velocity} (the same steps as Keras'
 * {@code SGD(momentum=...)} with a constant learning rate). State per parameter: {@code velocity}.
 */
public final class Momentum extends Optimizer {

    private final float learningRate;
    private final float momentum;

    /**
     * Momentum SGD with {@code learningRate} and {@code momentum} in [0, 1) (0.9 is usual).
     *
     * @param learningRate step size, positive and finite
     * @param momentum     decay of the velocity, in [0, 1)
     */
    public Momentum(float learningRate, float momentum) {
        this.learningRate = checkRate("learningRate", learningRate);
        this.momentum = checkFraction("momentum", momentum);
    }

    @Override
    String typeName() {
        return "Momentum";
    }

    @Override
    List<String> slotNames() {
        return List.of("velocity");
    }

    @Override
    void update(float[] params, float[] grads, float[][] slots, int n, long step) {
        dev.vectorcnn.kernels.Momentum.update(params, grads, slots[0], n, learningRate, momentum);
    }

    @Override
    public String toString() {
        return "Momentum[learningRate=" + learningRate + ", momentum=" + momentum + "]";
    }
}
