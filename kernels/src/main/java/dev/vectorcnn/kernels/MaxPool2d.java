package dev.vectorcnn.kernels;

/**
 * 2-D max pooling over NHWC activations, forward and backward, with TensorFlow's semantics:
 * input {@code [batch, inHeight, inWidth, channels]} to output {@code [batch, outHeight, outWidth, channels]}
 * as given by a {@link Pool2dShape}.
 *
 * <p>Padded cells never take part (they are not zeros: a window of negative values yields its largest
 * negative value). Ties go to the first maximum of the window in row-major order, which is also the
 * cell that receives the window's gradient, as in TensorFlow's {@code MaxPoolGrad}. The window is
 * scanned with a strict {@code >} from its first real cell, so a NaN is picked only when it is that
 * first cell.
 *
 * <p>The fast path ({@link VectorMaxPool2d}) runs one vector of channels per window at a time; without
 * the Vector API the same call runs {@link ScalarMaxPool2d}. Both give bitwise identical results, for
 * any thread count. Arrays start at index 0 and may be longer than needed.
 */
public final class MaxPool2d {

    private MaxPool2d() {
    }

    /**
     * {@code output[b, oh, ow, c] = max over the window's real cells of input[b, h, w, c]}.
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
            VectorMaxPool2d.forward(shape, input, output);
        } else {
            ScalarMaxPool2d.forward(shape, input, output);
        }
    }

    /**
     * {@code inputGrad = 0}, then each {@code outputGrad[b, oh, ow, c]} is added at the first maximum of
     * its window (recomputed from {@code input}); cells in several windows (stride &lt; window) collect
     * the sum, in row-major window order.
     *
     * @param shape      the pooling geometry
     * @param input      the forward input, at least {@code shape.inputLength()} elements
     * @param outputGrad gradient of the output, at least {@code shape.outputLength()} elements
     * @param inputGrad  overwritten with the gradient of the input, at least {@code shape.inputLength()} elements
     * @throws IllegalArgumentException if an array is too short; nothing is written then
     * @throws NullPointerException     if an argument is null
     */
    public static void backward(Pool2dShape shape, float[] input, float[] outputGrad, float[] inputGrad) {
        Checks.notNull("shape", shape);
        Checks.atLeast("input", input, shape.inputLength());
        Checks.atLeast("outputGrad", outputGrad, shape.outputLength());
        Checks.atLeast("inputGrad", inputGrad, shape.inputLength());
        if (KernelBackend.isVectorized()) {
            VectorMaxPool2d.backward(shape, input, outputGrad, inputGrad);
        } else {
            ScalarMaxPool2d.backward(shape, input, outputGrad, inputGrad);
        }
    }
}
