package dev.vectorcnn.model;

import dev.vectorcnn.kernels.Padding;
import dev.vectorcnn.kernels.Pool2dShape;

/**
 * What max and average pooling share: a window, strides and padding over {@code [h, w, c]}, giving
 * {@code [oh, ow, c]}. As in Keras, the strides default to the window size and the padding to VALID.
 */
public abstract sealed class Pooling2D extends Layer permits MaxPool2D, AvgPool2D {

    final int poolHeight;
    final int poolWidth;
    final int strideHeight;
    final int strideWidth;
    final Padding padding;

    Pooling2D(int poolHeight, int poolWidth, int strideHeight, int strideWidth, Padding padding) {
        this.poolHeight = LayerChecks.positive("poolHeight", poolHeight);
        this.poolWidth = LayerChecks.positive("poolWidth", poolWidth);
        this.strideHeight = LayerChecks.positive("strideHeight", strideHeight);
        this.strideWidth = LayerChecks.positive("strideWidth", strideWidth);
        this.padding = LayerChecks.notNull("padding", padding);
    }

    final Pool2dShape shape(int batch, int[] in) {
        return new Pool2dShape(batch, in[0], in[1], in[2], poolHeight, poolWidth, strideHeight, strideWidth, padding);
    }

    @Override
    final int[] outputShape(int[] input) {
        Shapes.requireImage(this, input);
        int[] out = {padding.outputSize(input[0], poolHeight, strideHeight),
                padding.outputSize(input[1], poolWidth, strideWidth), input[2]};
        LayerChecks.nonEmptyOutput(this, input, out);
        return out;
    }

    /** E.g. {@code MaxPool2D(2x2, strides 2x2, VALID)}. */
    @Override
    public final String toString() {
        return getClass().getSimpleName() + "(" + poolHeight + "x" + poolWidth + ", strides " + strideHeight + "x"
                + strideWidth + ", " + padding + ")";
    }
}
