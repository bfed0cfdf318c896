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
 * first cell: the scan of TensorFlow's CPU {@code MaxPoolGrad} and {@code MaxPoolWithArgmax}
 * ({@code SpatialMaxPoolWithArgMaxHelper}). TensorFlow's plain {@code MaxPool} forward is not
 * consistent about NaN (its scalar loop drops NaN, its vectorised one keeps it, depending on the
 * channel count), so a NaN input should be treated as a diverged model, not as a value to pool.
 *
 * <p>The fast path ({@link VectorMaxPool2d}) runs one vector of channels per window at a time; without
 * the Vector API the same call runs {@link ScalarMaxPool2d}. Both give bitwise identical results, for
 * any thread count. Arrays start at index 0 and may be longer than needed.
 */
public final class MaxPool2d {

    /** The most cells a window may have for the argmax forms: a cell's index is stored in one byte. */
    public static final int MAX_ARGMAX_WINDOW_CELLS = 256;

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

    /**
     * {@link #forward(Pool2dShape, float[], float[])} that also records which cell of each window won, for
     * {@link #backward(Pool2dShape, byte[], float[], float[])}: {@code argmax[i]} is, as an unsigned byte,
     * the row-major index within the full {@code windowHeight x windowWidth} window (padding included) of
     * the cell output element {@code i} came from. Backward then reads one byte per output element
     * instead of the whole input again, which is what makes a training step's pooling cheap.
     *
     * @param shape  the pooling geometry
     * @param input  at least {@code shape.inputLength()} elements, NHWC
     * @param output at least {@code shape.outputLength()} elements, NHWC; only that many are written
     * @param argmax at least {@code shape.outputLength()} bytes; only that many are written
     * @throws IllegalArgumentException if an array is too short or a window has more than {@link #MAX_ARGMAX_WINDOW_CELLS} cells;
     *                                  nothing is written then
     * @throws NullPointerException     if an argument is null
     */
    public static void forward(Pool2dShape shape, float[] input, float[] output, byte[] argmax) {
        Checks.notNull("shape", shape);
        checkWindowFitsByte(shape);
        Checks.atLeast("input", input, shape.inputLength());
        Checks.atLeast("output", output, shape.outputLength());
        Checks.atLeast("argmax", argmax, shape.outputLength());
        if (KernelBackend.isVectorized()) {
            VectorMaxPool2d.forward(shape, input, output, argmax);
        } else {
            ScalarMaxPool2d.forward(shape, input, output, argmax);
        }
    }

    /**
     * {@code inputGrad = 0}, then each {@code outputGrad[b, oh, ow, c]} is added at the window cell that
     * {@link #forward(Pool2dShape, float[], float[], byte[])} recorded for it: the same result as
     * {@link #backward(Pool2dShape, float[], float[], float[])} on that forward's input. A byte that names
     * no real cell of its window (not written by that forward) adds nothing.
     *
     * @param shape      the pooling geometry
     * @param argmax     the forward's winners, at least {@code shape.outputLength()} bytes
     * @param outputGrad gradient of the output, at least {@code shape.outputLength()} elements
     * @param inputGrad  overwritten with the gradient of the input, at least {@code shape.inputLength()} elements
     * @throws IllegalArgumentException if an array is too short or a window has more than {@link #MAX_ARGMAX_WINDOW_CELLS} cells;
     *                                  nothing is written then
     * @throws NullPointerException     if an argument is null
     */
    public static void backward(Pool2dShape shape, byte[] argmax, float[] outputGrad, float[] inputGrad) {
        Checks.notNull("shape", shape);
        checkWindowFitsByte(shape);
        Checks.atLeast("argmax", argmax, shape.outputLength());
        Checks.atLeast("outputGrad", outputGrad, shape.outputLength());
        Checks.atLeast("inputGrad", inputGrad, shape.inputLength());
        if (KernelBackend.isVectorized()) {
            VectorMaxPool2d.backward(shape, argmax, outputGrad, inputGrad);
        } else {
            ScalarMaxPool2d.backward(shape, argmax, outputGrad, inputGrad);
        }
    }

    private static void checkWindowFitsByte(Pool2dShape shape) {
        long cells = (long) shape.windowHeight() * shape.windowWidth();
        if (cells > MAX_ARGMAX_WINDOW_CELLS) {
            throw new IllegalArgumentException("shape: argmax stores a window cell in a byte, so windows have at most "
                    + MAX_ARGMAX_WINDOW_CELLS + " cells, got " + shape.windowHeight() + "x" + shape.windowWidth() + " = "
                    + cells);
        }
    }
}
