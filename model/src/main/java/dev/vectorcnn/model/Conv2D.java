package dev.vectorcnn.model;

import dev.vectorcnn.kernels.Conv2d;
import dev.vectorcnn.kernels.Conv2dShape;
import dev.vectorcnn.kernels.Padding;
import java.util.ArrayList;
import java.util.List;

/**
 * 2-D convolution, {@code [h, w, c] -> [oh, ow, filters]}, as Keras' {@code Conv2D}: a kernel
 * {@code [kh, kw, c, filters]} (HWIO), an optional bias {@code [filters]}, TensorFlow's SAME/VALID
 * padding and a fused activation. Defaults: stride 1, VALID padding, no activation, with bias.
 *
 * <pre>{@code new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU)}</pre>
 */
public final class Conv2D extends Layer {

    private final int filters;
    private final int kernelHeight;
    private final int kernelWidth;
    private final int strideHeight;
    private final int strideWidth;
    private final Padding padding;
    private final Activation activation;
    private final boolean useBias;

    /**
     * {@code filters} output channels from a {@code kernelHeight x kernelWidth} window, stride 1, VALID, no activation.
     *
     * @param filters      output channels, {@code > 0}
     * @param kernelHeight window height in rows, {@code > 0}
     * @param kernelWidth  window width in columns, {@code > 0}
     */
    public Conv2D(int filters, int kernelHeight, int kernelWidth) {
        this(filters, kernelHeight, kernelWidth, 1, 1, Padding.VALID, Activation.NONE, true);
    }

    private Conv2D(int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
            Padding padding, Activation activation, boolean useBias) {
        this.filters = LayerChecks.positive("filters", filters);
        this.kernelHeight = LayerChecks.positive("kernelHeight", kernelHeight);
        this.kernelWidth = LayerChecks.positive("kernelWidth", kernelWidth);
        this.strideHeight = LayerChecks.positive("strideHeight", strideHeight);
        this.strideWidth = LayerChecks.positive("strideWidth", strideWidth);
        this.padding = LayerChecks.notNull("padding", padding);
        this.activation = LayerChecks.notNull("activation", activation);
        this.useBias = useBias;
    }

    /**
     * This layer with strides {@code (strideHeight, strideWidth)}.
     *
     * @param strideHeight rows from one window to the next, {@code > 0}
     * @param strideWidth  columns from one window to the next, {@code > 0}
     * @return a new layer; this one is unchanged
     */
    public Conv2D strides(int strideHeight, int strideWidth) {
        return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, activation, useBias);
    }

    /**
     * This layer with {@code padding} ({@link Padding#SAME} keeps {@code out = ceil(in / stride)}).
     *
     * @param padding {@link Padding#VALID} or {@link Padding#SAME}, not null
     * @return a new layer; this one is unchanged
     */
    public Conv2D padding(Padding padding) {
        return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, activation, useBias);
    }

    /**
     * This layer with {@code activation} applied to its output.
     *
     * @param activation {@link Activation#NONE} or {@link Activation#RELU}, not null
     * @return a new layer; this one is unchanged
     */
    public Conv2D activation(Activation activation) {
        return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, activation, useBias);
    }

    /**
     * This layer with or without a bias.
     *
     * @param useBias true for a bias parameter {@code [filters]}, false for none
     * @return a new layer; this one is unchanged
     */
    public Conv2D useBias(boolean useBias) {
        return new Conv2D(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, activation, useBias);
    }

    @Override
    String typeName() {
        return "conv2d";
    }

    private Conv2dShape shape(int batch, int[] in) {
        return new Conv2dShape(batch, in[0], in[1], in[2], kernelHeight, kernelWidth, filters,
                strideHeight, strideWidth, padding);
    }

    @Override
    int[] outputShape(int[] input) {
        Shapes.requireImage(this, input);
        int[] out = {padding.outputSize(input[0], kernelHeight, strideHeight),
                padding.outputSize(input[1], kernelWidth, strideWidth), filters};
        LayerChecks.nonEmptyOutput(this, input, out);
        return out;
    }

    @Override
    List<ParameterSpec> parameters(int[] input) {
        int receptive = kernelHeight * kernelWidth;
        List<ParameterSpec> specs = new ArrayList<>(2);
        specs.add(ParameterSpec.glorot("kernel", new int[] {kernelHeight, kernelWidth, input[2], filters},
                receptive * input[2], receptive * filters));
        if (useBias) {
            specs.add(ParameterSpec.zeros("bias", filters));
        }
        return specs;
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        Conv2d.forward(shape(batch, inShape), input, params[0], useBias ? params[1] : null,
                activation == Activation.RELU, output);
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        Conv2dShape shape = shape(batch, inShape);
        float[] reluOutput = activation == Activation.RELU ? output : null;
        if (inputGrad == null) {
            // The first layer: nothing reads the masked gradient after the filter gradient.
            Conv2d.backwardFilterOnly(shape, input, outputGrad, paramGrads[0], useBias ? paramGrads[1] : null,
                    reluOutput);
            return;
        }
        // The ReLU mask is applied to outputGrad in place, block by block, as the filter gradient reads it;
        // backwardInput then takes the masked gradient.
        Conv2d.backwardFilter(shape, input, outputGrad, paramGrads[0], useBias ? paramGrads[1] : null, reluOutput);
        Conv2d.backwardInput(shape, params[0], outputGrad, inputGrad);
    }

    /** E.g. {@code Conv2D(32, 3x3, strides 1x1, SAME, RELU)}. */
    @Override
    public String toString() {
        return "Conv2D(" + filters + ", " + kernelHeight + "x" + kernelWidth + ", strides " + strideHeight + "x"
                + strideWidth + ", " + padding + ", " + activation + (useBias ? "" : ", no bias") + ")";
    }
}
