package dev.vectorcnn.model;

import java.util.List;

/** Plain stochastic gradient descent, {@code p -= learningRate * g}; no state. */
public final class SGD extends Optimizer {

    private final float learningRate;

    /**
     * SGD with {@code learningRate} (TensorFlow's default is 0.01).
     *
     * @param learningRate step size, positive and finite
     */
    public SGD(float learningRate) {
        this.learningRate = checkRate("learningRate", learningRate);
    }

    @Override
    String typeName() {
        return "SGD";
    }

    @Override
    List<String> slotNames() {
        return List.of();
    }

    @Override
    void update(float[] params, float[] grads, float[][] slots, int n, long step) {
        dev.vectorcnn.kernels.Sgd.update(params, grads, n, learningRate);
    }

    @Override
    public String toString() {
        return "SGD[learningRate=" + learningRate + "]";
    }
}
