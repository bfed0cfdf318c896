package dev.vectorcnn.model;

/**
 * {@code [d0, d1, ...] -> [d0 * d1 * ...]}, as Keras' {@code Flatten}. NHWC data is already laid out
 * in that order, so the model shares one buffer between input and output and this layer does no work.
 */
public final class Flatten extends Layer {

    /** The flattening layer. */
    public Flatten() {
    }

    @Override
    String typeName() {
        return "flatten";
    }

    @Override
    int[] outputShape(int[] input) {
        return new int[] {Shapes.intSize(input)};
    }

    @Override
    boolean reshapesOnly() {
        return true;
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        // Nothing to do: the model hands this layer the same array as input and output.
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        // Nothing to do: outputGrad and inputGrad are the same array.
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
