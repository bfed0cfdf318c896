package dev.vectorcnn.kernels;

/**
 * 2-D average pooling over NHWC activations, forward and backward, with TensorFlow's semantics:
 * input {@code [batch, inHeight, inWidth, channels]} to output {@code [batch, outHeight, outWidth, channels]}
 * as given by a {@link Pool2dShape}.
 *
 * <p>Each window averages its real (unpadded) cells only: a SAME-padded corner window holding 1 real
 * cell of 4 outputs that cell, not a quarter of it. The backward pass spreads each output gradient
 * evenly over the same real cells.
 *
 * <p>The fast path ({@link VectorAvgPool2d}) runs one vector of channels per window at a time; without
 * the Vector API the same call runs {@link ScalarAvgPool2d}. Both give bitwise identical results, for
 * any thread count. Arrays start at index 0 and may be longer than needed.
 */
public final class AvgPool2d {

    private AvgPool2d() {
    }

    /**
     * {@code output[b, oh, ow, c] = (sum of the window's real cells of input[b, h, w, c]) / (their count)}.
     *
     * @param shape  the pooling geometry
     * @param input  at least {@code shape.inputLength()} elements, NHWC
     * @param output at least {@code shape.outputLength()} elements, NHWC; only that many are written
     * @throws IllegalArgumentException if an array is too short; nothing is written then
     * @throws NullPointerException     if an argument is null
     */
    public static void forward(Pool2dShape shape, float[] input, float[] output) {
        Checks.notNull("shape", shape);
        Checks.atLeast("input", input, shape.inputLength());
        Checks.atLeast("output", output, shape.outputLength());
        if (KernelBackend.isVectorized()) {
            VectorAvgPool2d.forward(shape, input, output);
        } else {
            ScalarAvgPool2d.forward(shape, input, output);
        }
    }

    /**
     * {@code inputGrad = 0}, then each {@code outputGrad[b, oh, ow, c] / count} is added to each of the
     * {@code count} real cells of its window; cells in several windows (stride &lt; window) collect the
     * sum, in row-major window order.
     *
     * @param shape      the pooling geometry
     * @param outputGrad gradient of the output, at least {@code shape.outputLength()} elements
     * @param inputGrad  overwritten with the gradient of the input, at least {@code shape.inputLength()} elements
     * @throws IllegalArgumentException if an array is too short; nothing is written then
     * @throws NullPointerException     if an argument is null
     */
    public static void backward(Pool2dShape shape, float[] outputGrad, float[] inputGrad) {
        Checks.notNull("shape", shape);
        Checks.atLeast("outputGrad", outputGrad, shape.outputLength());
        Checks.atLeast("inputGrad", inputGrad, shape.inputLength());
        if (KernelBackend.isVectorized()) {
            VectorAvgPool2d.backward(shape, outputGrad, inputGrad);
        } else {
            ScalarAvgPool2d.backward(shape, outputGrad, inputGrad);
        }
    }
}
