package dev.vectorcnn.model;

import dev.vectorcnn.kernels.AvgPool2d;
import dev.vectorcnn.kernels.Padding;

/**
 * Average pooling, {@code [h, w, c] -> [oh, ow, c]}, as Keras' {@code AveragePooling2D}: each window
 * is divided by its number of real (unpadded) cells, as TensorFlow does.
 */
public final class AvgPool2D extends Pooling2D {

    /**
     * A {@code poolHeight x poolWidth} window with strides equal to the window and VALID padding.
     *
     * @param poolHeight window height in rows, {@code > 0}
     * @param poolWidth  window width in columns, {@code > 0}
     */
    public AvgPool2D(int poolHeight, int poolWidth) {
        this(poolHeight, poolWidth, poolHeight, poolWidth, Padding.VALID);
    }

    private AvgPool2D(int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding) {
        super(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    /**
     * This layer with strides {@code (strideHeight, strideWidth)}.
     *
     * @param strideHeight rows from one window to the next, {@code > 0}
     * @param strideWidth  columns from one window to the next, {@code > 0}
     * @return a new layer; this one is unchanged
     */
    public AvgPool2D strides(int strideHeight, int strideWidth) {
        return new AvgPool2D(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    /**
     * This layer with {@code padding}.
     *
     * @param padding {@link Padding#VALID} or {@link Padding#SAME}, not null
     * @return a new layer; this one is unchanged
     */
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
