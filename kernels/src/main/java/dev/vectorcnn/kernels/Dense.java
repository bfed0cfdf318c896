package dev.vectorcnn.kernels;

/**
 * A fully connected layer, forward and backward, as {@code tf.keras.layers.Dense}: input
 * {@code [batch, in]}, weights {@code [in, out]} (row-major, TensorFlow's layout), bias {@code [out]},
 * output {@code [batch, out]}, all arrays from index 0.
 *
 * <p>Every product is one {@link Gemm} call: forward {@code input x weights} with the bias and ReLU fused
 * into the write-back, backward {@code input^T x outputGrad} and {@code outputGrad x weights^T}, the
 * transposes absorbed by GEMM's packing. The bias gradient sums {@code outputGrad} down each column in
 * row order ({@link VectorColumnSums}), so like the GEMM parts it is bitwise identical for any thread count.
 */
public final class Dense {

    private Dense() {
    }

    /**
     * {@code output = act(input x weights + bias)}, {@code act} being ReLU when {@code relu}, else identity.
     *
     * @param batch examples, the rows of {@code input}; positive
     * @param inFeatures features per example of the input (rows of {@code weights}); positive
     * @param outFeatures features per example of the output (columns of {@code weights}); positive
     * @param input {@code [batch, inFeatures]}, at least {@code batch * inFeatures} elements
     * @param weights {@code [inFeatures, outFeatures]}, at least {@code inFeatures * outFeatures} elements
     * @param bias null for no bias, else at least {@code outFeatures} elements
     * @param relu whether to apply ReLU to the result
     * @param output overwritten with {@code [batch, outFeatures]}, at least {@code batch * outFeatures} elements
     * @throws IllegalArgumentException if a size is not positive or an array is too short; nothing is written then
     * @throws NullPointerException     if input, weights or output is null
     */
    public static void forward(int batch, int inFeatures, int outFeatures, float[] input, float[] weights,
                               float[] bias, boolean relu, float[] output) {
        checkSizes(batch, inFeatures, outFeatures);
        Checks.atLeast("input", input, (long) batch * inFeatures);
        Checks.atLeast("weights", weights, (long) inFeatures * outFeatures);
        if (bias != null) {
            Checks.atLeast("bias", bias, outFeatures);
        }
        Checks.atLeast("output", output, (long) batch * outFeatures);
        Epilogue epilogue = bias != null ? Epilogue.bias(bias, 0, relu) : (relu ? Epilogue.RELU : Epilogue.NONE);
        Gemm.multiply(Transpose.NO, Transpose.NO, batch, outFeatures, inFeatures,
                1f, input, 0, inFeatures, weights, 0, outFeatures, 0f, output, 0, outFeatures, epilogue);
    }

    /**
     * Gradients of the layer given {@code outputGrad}, the gradient of its output before any activation
     * (a caller that fused ReLU masks it first, e.g. with {@link Relu#backward}). Every gradient is
     * overwritten, not accumulated:
     * {@code weightGrad = input^T x outputGrad}, {@code biasGrad[j] = sum over b of outputGrad[b, j]},
     * {@code inputGrad = outputGrad x weights^T}.
     *
     * @param batch      examples, the rows of {@code input}; positive
     * @param inFeatures features per example of the input (rows of {@code weights}); positive
     * @param outFeatures features per example of the output (columns of {@code weights}); positive
     * @param input      the forward input, {@code [batch, inFeatures]}, at least {@code batch * inFeatures} elements
     * @param weights    the forward weights; required even when inputGrad is null
     * @param outputGrad gradient of the output before any activation, {@code [batch, outFeatures]}, at least
     *                   {@code batch * outFeatures} elements
     * @param inputGrad  null when not needed (first layer), else at least {@code batch * inFeatures} elements
     * @param weightGrad at least {@code inFeatures * outFeatures} elements
     * @param biasGrad   null for a layer without bias, else at least {@code outFeatures} elements
     * @throws IllegalArgumentException if a size is not positive or an array is too short; nothing is written then
     * @throws NullPointerException     if input, weights, outputGrad or weightGrad is null
     */
    public static void backward(int batch, int inFeatures, int outFeatures, float[] input, float[] weights,
                                float[] outputGrad, float[] inputGrad, float[] weightGrad, float[] biasGrad) {
        checkSizes(batch, inFeatures, outFeatures);
        Checks.atLeast("input", input, (long) batch * inFeatures);
        Checks.atLeast("weights", weights, (long) inFeatures * outFeatures);
        Checks.atLeast("outputGrad", outputGrad, (long) batch * outFeatures);
        if (inputGrad != null) {
            Checks.atLeast("inputGrad", inputGrad, (long) batch * inFeatures);
        }
        Checks.atLeast("weightGrad", weightGrad, (long) inFeatures * outFeatures);
        if (biasGrad != null) {
            Checks.atLeast("biasGrad", biasGrad, outFeatures);
        }
        Gemm.multiply(Transpose.YES, Transpose.NO, inFeatures, outFeatures, batch,
                1f, input, 0, inFeatures, outputGrad, 0, outFeatures, 0f, weightGrad, 0, outFeatures);
        if (inputGrad != null) {
            Gemm.multiply(Transpose.NO, Transpose.YES, batch, inFeatures, outFeatures,
                    1f, outputGrad, 0, outFeatures, weights, 0, outFeatures, 0f, inputGrad, 0, inFeatures);
        }
        if (biasGrad != null) {
            boolean vector = KernelBackend.isVectorized();
            FixedChunks.run(outFeatures, batch, (start, end) -> {
                if (vector) {
                    VectorColumnSums.sum(batch, outFeatures, outputGrad, biasGrad, start, end);
                } else {
                    ScalarColumnSums.sum(batch, outFeatures, outputGrad, biasGrad, start, end);
                }
            });
        }
    }

    private static void checkSizes(int batch, int inFeatures, int outFeatures) {
        Checks.positive("batch", batch);
        Checks.positive("inFeatures", inFeatures);
        Checks.positive("outFeatures", outFeatures);
    }
}
