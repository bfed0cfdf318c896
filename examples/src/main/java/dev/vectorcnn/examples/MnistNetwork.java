package dev.vectorcnn.examples;

import dev.vectorcnn.kernels.Padding;
import dev.vectorcnn.model.Activation;
import dev.vectorcnn.model.Adam;
import dev.vectorcnn.model.Conv2D;
import dev.vectorcnn.model.Dense;
import dev.vectorcnn.model.Flatten;
import dev.vectorcnn.model.MaxPool2D;
import dev.vectorcnn.model.Sequential;

/**
 * The TensorFlow CNN tutorial's MNIST network and training settings, defined once for the trainer,
 * its test and the benchmarks.
 *
 * <pre>
 * input               [28, 28, 1]
 * Conv2D 32 3x3 s1 SAME ReLU  -> [28, 28, 32]
 * Conv2D 64 3x3 s2 SAME ReLU  -> [14, 14, 64]
 * MaxPool 2x2 s2 VALID        -> [7, 7, 64]
 * Flatten                     -> [3136]
 * Dense 64 ReLU               -> [64]
 * Dense 10                    -> [10] logits (softmax cross-entropy)
 * </pre>
 */
public final class MnistNetwork {

    /** Examples per training step. */
    public static final int BATCH_SIZE = 100;
    /** Passes over the 60,000 training images. */
    public static final int EPOCHS = 10;
    /** Adam's learning rate (TensorFlow's default). */
    public static final float LEARNING_RATE = 0.001f;

    private MnistNetwork() {
    }

    /**
     * The untrained network, its weights drawn from {@code seed} (Glorot-uniform kernels, zero biases).
     *
     * @param seed seed of the initial weights; the same seed gives the same weights
     * @return a new model from {@code [28, 28, 1]} images to 10 logits
     */
    public static Sequential build(long seed) {
        return Sequential.builder(28, 28, 1)
                .add(new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new Conv2D(64, 3, 3).strides(2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2).strides(2, 2).padding(Padding.VALID))
                .add(new Flatten())
                .add(new Dense(64, Activation.RELU))
                .add(new Dense(10))
                .build(seed);
    }

    /**
     * The tutorial's optimizer: Adam with {@code learningRate} and TensorFlow's other defaults.
     *
     * @param learningRate step size, positive and finite; the tutorial's is {@link #LEARNING_RATE}
     * @return a new Adam optimizer, to be used with one model only
     */
    public static Adam optimizer(float learningRate) {
        return new Adam(learningRate);
    }
}
