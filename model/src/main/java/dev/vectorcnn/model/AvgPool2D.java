package dev.vectorcnn.model;

import dev.vectorcnn.kernels.AvgPool2d;
import dev.vectorcnn.kernels.Padding;

/**
 * Average pooling, {@code [h, w, c] -> [oh, ow, c]}, as Keras' {@code AveragePooling2D}: each window
 * is divided by its number of real (unpadded) cells, as TensorFlow does.
 */
public final class AvgPool2D extends Pooling2D {

    /** A {@code poolHeight x poolWidth} window with strides equal to the window and VALID padding. */
    public AvgPool2D(int poolHeight, int poolWidth) {
        this(poolHeight, poolWidth, poolHeight, poolWidth, Padding.VALID);
    }

    private AvgPool2D(int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding) {
        super(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    /** This layer with strides {@code (strideHeight, strideWidth)}. */
    public AvgPool2D strides(int strideHeight, int strideWidth) {
        return new AvgPool2D(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    /** This layer with {@code padding}. */
    public AvgPool2D padding(Padding padding) {
        return new AvgPool2D(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    @Override
    String typeName() {
        return "avg_pool2d";
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        AvgPool2d.forward(shape(batch, inShape), input, output);
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        if (inputGrad != null) {
            AvgPool2d.backward(shape(batch, inShape), outputGrad, inputGrad);
        }
    }
}
