package dev.vectorcnn.model;

import java.util.List;

/**
 * One step of a {@link Sequential} model. A layer is an immutable description (kernel size,
 * units, activation...); the model owns its parameters and buffers, so one layer object may be
 * used in several models.
 *
 * <p>Shapes seen by a layer are per example, without the batch axis: {@code [height, width,
 * channels]} for images, {@code [features]} for flat vectors.
 */
public abstract sealed class Layer permits Conv2D, Pooling2D, Flatten, Dense, ReLU, Softmax {

    Layer() {
    }

    /** The lower-case type name used in parameter names, e.g. {@code conv2d}. */
    abstract String typeName();

    /**
     * The output shape for {@code input}; throws {@link IllegalArgumentException} naming the layer
     * and the input shape when the layer does not fit it.
     */
    abstract int[] outputShape(int[] input);

    /** The trainable parameters this layer needs for {@code input}, in a fixed order. */
    List<ParameterSpec> parameters(int[] input) {
        return List.of();
    }

    /**
     * True when the output is the input reinterpreted (same data, new shape): the model then shares
     * one buffer between them and skips forward and backward.
     */
    boolean reshapesOnly() {
        return false;
    }

    /**
     * {@code input [batch, ...in]} to {@code output [batch, ...out]}; {@code params} in the order
     * of {@link #parameters}. Arrays may be longer than {@code batch} needs.
     */
    abstract void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output);

    /**
     * Given {@code outputGrad} (dLoss/dOutput, which this method may overwrite), writes
     * {@code inputGrad} (skipped when null, for the first layer) and {@code paramGrads}
     * (overwritten, same order as {@link #parameters}).
     */
    abstract void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads);

    /**
     * Bytes per example this layer keeps from a training forward pass for its backward pass; 0 (the
     * default) for layers that need nothing but their input and output.
     */
    int savedBytesPerExample(int[] inShape) {
        return 0;
    }

    /**
     * The training forward pass: {@link #forward(int, int[], float[], float[][], float[])} that also fills
     * {@code saved} ({@code batch * savedBytesPerExample} bytes; null when that is 0) for the backward pass.
     */
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output, byte[] saved) {
        forward(batch, inShape, input, params, output);
    }

    /** {@link #backward(int, int[], float[], float[], float[], float[][], float[], float[][])} after a training forward pass filled {@code saved}. */
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads, byte[] saved) {
        backward(batch, inShape, input, output, outputGrad, params, inputGrad, paramGrads);
    }
}
