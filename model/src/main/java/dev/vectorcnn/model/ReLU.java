package dev.vectorcnn.model;

import dev.vectorcnn.kernels.Relu;

/** {@code max(x, 0)} element-wise, any shape to the same shape (Keras' {@code ReLU}). */
public final class ReLU extends Layer {

    /** The ReLU layer. */
    public ReLU() {
    }

    @Override
    String typeName() {
        return "relu";
    }

    @Override
    int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        Relu.forward(input, output, batch * Shapes.intSize(inShape));
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        if (inputGrad != null) {
            Relu.backward(output, outputGrad, inputGrad, batch * Shapes.intSize(inShape));
        }
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
