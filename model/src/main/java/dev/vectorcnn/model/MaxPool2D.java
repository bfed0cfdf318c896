package dev.vectorcnn.model;

import dev.vectorcnn.kernels.MaxPool2d;
import dev.vectorcnn.kernels.Padding;

/**
 * Max pooling, {@code [h, w, c] -> [oh, ow, c]}, as Keras' {@code MaxPooling2D}; padded cells never
 * win. The gradient flows to the maximum of each window.
 */
public final class MaxPool2D extends Pooling2D {

    /**
     * A {@code poolHeight x poolWidth} window with strides equal to the window and VALID padding.
     *
     * @param poolHeight window height in rows, {@code > 0}
     * @param poolWidth  window width in columns, {@code > 0}
     */
    public MaxPool2D(int poolHeight, int poolWidth) {
        this(poolHeight, poolWidth, poolHeight, poolWidth, Padding.VALID);
    }

    private MaxPool2D(int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding) {
        super(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    /**
     * This layer with strides {@code (strideHeight, strideWidth)}.
     *
     * @param strideHeight rows from one window to the next, {@code > 0}
     * @param strideWidth  columns from one window to the next, {@code > 0}
     * @return a new layer; this one is unchanged
     */
    public MaxPool2D strides(int strideHeight, int strideWidth) {
        return new MaxPool2D(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    /**
     * This layer with {@code padding}.
     *
     * @param padding {@link Padding#VALID} or {@link Padding#SAME}, not null
     * @return a new layer; this one is unchanged
     */
    public MaxPool2D padding(Padding padding) {
        return new MaxPool2D(poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    @Override
    String typeName() {
        return "max_pool2d";
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        MaxPool2d.forward(shape(batch, inShape), input, output);
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        if (inputGrad != null) {
            MaxPool2d.backward(shape(batch, inShape), input, outputGrad, inputGrad);
        }
    }

    /** One byte per output element, the winning cell of its window, when a window fits a byte index. */
    @Override
    int savedBytesPerExample(int[] inShape) {
        return poolHeight * poolWidth <= MaxPool2d.MAX_ARGMAX_WINDOW_CELLS ? Shapes.intSize(outputShape(inShape)) : 0;
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output, byte[] saved) {
        if (saved == null) {
            forward(batch, inShape, input, params, output);
        } else {
            MaxPool2d.forward(shape(batch, inShape), input, output, saved);
        }
    }

    /** Backward from the winners the forward pass saved, instead of finding them again in the input. */
    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads, byte[] saved) {
        if (saved == null) {
            backward(batch, inShape, input, output, outputGrad, params, inputGrad, paramGrads);
        } else if (inputGrad != null) {
            MaxPool2d.backward(shape(batch, inShape), saved, outputGrad, inputGrad);
        }
    }
}
