package dev.vectorcnn.kernels;

/**
 * 2-D convolution, forward and backward, with exactly TensorFlow's semantics ({@code tf.nn.conv2d},
 * {@code conv2d_backprop_input}, {@code conv2d_backprop_filter}): NHWC activations, HWIO filters,
 * per-axis strides and the {@link Padding} rule, all described by a {@link Conv2dShape}. Every array
 * starts at index 0 and may be longer than the shape needs.
 *
 * <p>The fast path ({@link VectorConv2d}) computes the convolution as a GEMM over patches: rows are
 * the output pixels, columns the {@code KH*KW*C} patch values, times the filter seen as a
 * {@code [KH*KW*C, OC]} matrix, which yields the NHWC output with no transposes. The patch matrix is
 * never built whole: forward reads the patches straight from the input rows or zero-padded copies of
 * them, or, for few input channels, works one chunk of output rows at a time (gathering the patches,
 * or, with one channel and horizontal stride 1, reading them from padded rows); backwardInput needs no
 * patches, computing each stride parity class of input pixels as a stride-1 correlation of zero-padded
 * bands of output-gradient rows with part of the filter; backwardFilter reads or gathers the patches
 * one block of output pixels at a time. So the workspace depends on the layer, never on the batch.
 * Without {@code jdk.incubator.vector} the same calls run the direct loops of {@link ScalarConv2d}.
 * Results are bitwise identical for any thread count ({@link KernelThreads}); all methods are
 * thread-safe.
 *
 * <p>Padding contributes zeros. With finite filters and gradients that is all there is to say; but the
 * fast path multiplies some padded cells by the filter, as TensorFlow's zero-padded patches do, and
 * skips others, as the scalar path skips them all. So where the value a padded cell meets (a filter
 * value, or in backwardFilter an output-gradient value) is infinite or NaN, a result whose sum reaches
 * the padding may be NaN or the finite sum of its real cells, depending on the path and on where the
 * pixel falls in a tile; it is the same for any thread count, and a forward pixel's is the same for
 * any batch.
 */
public final class Conv2d {

    private Conv2d() {
    }

    /**
     * {@code output[N,OH,OW,OC] = act(conv(input[N,H,W,C], filter[KH,KW,C,OC]) + bias[OC])}; {@code bias}
     * may be null (no bias) and act is ReLU when {@code relu} is true, the identity otherwise.
     *
     * @param s      the convolution's geometry: sizes, strides and padding
     * @param input  NHWC input, at least {@code s.inputLength()} elements
     * @param filter HWIO filter, at least {@code s.filterLength()} elements
     * @param bias   null for no bias, else at least {@code s.outChannels()} elements
     * @param relu   whether to apply ReLU to the result
     * @param output overwritten with the NHWC output, at least {@code s.outputLength()} elements
     * @throws NullPointerException     if the shape, input, filter or output is null
     * @throws IllegalArgumentException if an array is shorter than the shape needs; nothing is written then
     */
    public static void forward(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu,
                               float[] output) {
        Checks.notNull("shape", s);
        Checks.atLeast("input", input, s.inputLength());
        Checks.atLeast("filter", filter, s.filterLength());
        if (bias != null) {
            Checks.atLeast("bias", bias, s.outChannels());
        }
        Checks.atLeast("output", output, s.outputLength());
        Conv2dShape vector = vectorShape(s);
        if (vector != null) {
            VectorConv2d.forward(vector, input, filter, bias, relu, output);
        } else {
            ScalarConv2d.forward(s, input, filter, bias, relu, output);
        }
    }

    /**
     * {@code inputGrad[N,H,W,C] = conv2d_backprop_input(filter[KH,KW,C,OC], outputGrad[N,OH,OW,OC])},
     * overwriting {@code inputGrad} (input pixels no window touches get 0). {@code outputGrad} is the
     * gradient after the activation, already masked by the caller when the forward used ReLU.
     *
     * @param s          the convolution's geometry: sizes, strides and padding
     * @param filter     HWIO filter, at least {@code s.filterLength()} elements
     * @param outputGrad gradient of the NHWC output, at least {@code s.outputLength()} elements
     * @param inputGrad  overwritten with the gradient of the NHWC input, at least {@code s.inputLength()} elements
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if an array is shorter than the shape needs; nothing is written then
     */
    public static void backwardInput(Conv2dShape s, float[] filter, float[] outputGrad, float[] inputGrad) {
        Checks.notNull("shape", s);
        Checks.atLeast("filter", filter, s.filterLength());
        Checks.atLeast("outputGrad", outputGrad, s.outputLength());
        Checks.atLeast("inputGrad", inputGrad, s.inputLength());
        Conv2dShape vector = vectorShape(s);
        if (vector != null) {
            VectorConv2d.backwardInput(vector, filter, outputGrad, inputGrad);
        } else {
            ScalarConv2d.backwardInput(s, filter, outputGrad, inputGrad);
        }
    }

    /**
     * {@code filterGrad[KH,KW,C,OC] = conv2d_backprop_filter(input[N,H,W,C], outputGrad[N,OH,OW,OC])} and,
     * when {@code biasGrad} is not null, {@code biasGrad[OC] = sum of outputGrad over N, OH, OW}; both are
     * overwritten. {@code outputGrad} is already masked by the caller when the forward used ReLU.
     *
     * @param s          the convolution's geometry: sizes, strides and padding
     * @param input      the forward NHWC input, at least {@code s.inputLength()} elements
     * @param outputGrad gradient of the NHWC output, at least {@code s.outputLength()} elements
     * @param filterGrad overwritten with the gradient of the HWIO filter, at least {@code s.filterLength()} elements
     * @param biasGrad   null for a layer without bias, else at least {@code s.outChannels()} elements
     * @throws NullPointerException     if the shape, input, outputGrad or filterGrad is null
     * @throws IllegalArgumentException if an array is shorter than the shape needs; nothing is written then
     */
    public static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                                      float[] biasGrad) {
        backwardFilter(s, input, outputGrad, filterGrad, biasGrad, null);
    }

    /**
     * {@link #backwardFilter(Conv2dShape, float[], float[], float[], float[])} through a fused ReLU: when
     * {@code reluOutput} (the forward's output {@code [N,OH,OW,OC]}) is not null, {@code outputGrad} is
     * the gradient after the ReLU and is first masked <em>in place</em> exactly as {@link Relu#backward}
     * does, {@code outputGrad[i] *= reluOutput[i] > 0 ? 1 : 0} (so a NaN or infinite gradient at a dead
     * unit becomes NaN, a negative one {@code -0.0}). Afterwards {@code outputGrad} holds the
     * gradient before the ReLU, the one {@link #backwardInput} takes. The mask is applied block by block
     * while the filter gradient reads the block, which saves a separate pass over the whole gradient.
     *
     * @param s          the convolution's geometry: sizes, strides and padding
     * @param input      the forward NHWC input, at least {@code s.inputLength()} elements
     * @param outputGrad gradient of the NHWC output, at least {@code s.outputLength()} elements
     * @param filterGrad overwritten with the gradient of the HWIO filter, at least {@code s.filterLength()} elements
     * @param biasGrad   null for a layer without bias, else at least {@code s.outChannels()} elements
     * @param reluOutput null, or the forward's NHWC output, at least {@code s.outputLength()} elements, whose
     *                   cells {@code <= 0} mask {@code outputGrad} in place (multiply it by 0)
     * @throws NullPointerException     if the shape, input, outputGrad or filterGrad is null
     * @throws IllegalArgumentException if an array is shorter than the shape needs; nothing is written then
     */
    public static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                                      float[] biasGrad, float[] reluOutput) {
        backwardFilter(s, input, outputGrad, filterGrad, biasGrad, reluOutput, true);
    }

    /**
     * {@link #backwardFilter(Conv2dShape, float[], float[], float[], float[], float[])} for a layer whose
     * input gradient is not wanted, such as a network's first layer: the same filter and bias gradients,
     * bit for bit, but afterwards {@code outputGrad} is either masked in place or left as it was, whichever
     * the layer's path does faster. At 512 bits, a 3x3 filter over one input channel with 32 output
     * channels (MNIST conv1) leaves it as it was: the mask is applied in registers and the masked gradient
     * never stored. Every other layer, and every layer at other vector widths or on the scalar path, masks
     * it in place as the other method does.
     *
     * @param s          the convolution's geometry: sizes, strides and padding
     * @param input      the forward NHWC input, at least {@code s.inputLength()} elements
     * @param outputGrad gradient of the NHWC output, at least {@code s.outputLength()} elements; afterwards
     *                   masked in place or as it was
     * @param filterGrad overwritten with the gradient of the HWIO filter, at least {@code s.filterLength()} elements
     * @param biasGrad   null for a layer without bias, else at least {@code s.outChannels()} elements
     * @param reluOutput null, or the forward's NHWC output, at least {@code s.outputLength()} elements, whose
     *                   cells {@code <= 0} mask {@code outputGrad}
     * @throws NullPointerException     if the shape, input, outputGrad or filterGrad is null
     * @throws IllegalArgumentException if an array is shorter than the shape needs; nothing is written then
     */
    public static void backwardFilterOnly(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                                          float[] biasGrad, float[] reluOutput) {
        backwardFilter(s, input, outputGrad, filterGrad, biasGrad, reluOutput, false);
    }

    private static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                                       float[] biasGrad, float[] reluOutput, boolean storeMasked) {
        Checks.notNull("shape", s);
        Checks.atLeast("input", input, s.inputLength());
        Checks.atLeast("outputGrad", outputGrad, s.outputLength());
        Checks.atLeast("filterGrad", filterGrad, s.filterLength());
        if (biasGrad != null) {
            Checks.atLeast("biasGrad", biasGrad, s.outChannels());
        }
        if (reluOutput != null) {
            Checks.atLeast("reluOutput", reluOutput, s.outputLength());
        }
        Conv2dShape vector = vectorShape(s);
        if (vector != null) {
            VectorConv2d.backwardFilter(vector, input, outputGrad, filterGrad, biasGrad, reluOutput, storeMasked);
        } else {
            if (reluOutput != null) {
                ScalarRelu.backward(reluOutput, outputGrad, outputGrad, 0, s.outputLength());
            }
            ScalarConv2d.backwardFilter(s, input, outputGrad, filterGrad, biasGrad);
        }
    }

    /**
     * A bound on the floats of scratch the three methods together leave any one thread holding for shape
     * {@code s}, a 1x1 stride-1 layer's {@link Gemm} calls included: 0 where it runs on the scalar path,
     * otherwise {@link VectorConv2d#workspaceFloats}. It depends on the layer (filter size, channels,
     * output width) but never on the batch.
     */
    static long workspaceFloats(Conv2dShape s) {
        Conv2dShape vector = vectorShape(s);
        return vector != null ? VectorConv2d.workspaceFloats(vector) : 0L;
    }

    /**
     * The shape the Vector API kernels run for {@code s} (its strides at most the input size), or null
     * where {@code s} runs on the scalar reference: without the incubator module, or where the kernels'
     * int-indexed scratch would pass {@code Integer.MAX_VALUE} elements (tens of millions of input channels).
     */
    private static Conv2dShape vectorShape(Conv2dShape s) {
        if (!KernelBackend.isVectorized()) {
            return null;
        }
        Conv2dShape vector = s.withStridesAtMostInput();
        return VectorConv2d.fitsIntIndices(vector) ? vector : null;
    }
}
