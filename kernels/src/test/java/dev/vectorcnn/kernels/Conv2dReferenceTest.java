package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.Conv2dTestData.FLOAT_UNIT_ROUNDOFF;
import static dev.vectorcnn.kernels.Conv2dTestData.abs;
import static dev.vectorcnn.kernels.Conv2dTestData.shape;
import static dev.vectorcnn.kernels.Conv2dTestData.twoSumBound;
import static dev.vectorcnn.kernels.Conv2dTestData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The convolution against numbers that do not come from this code: TensorFlow's published padding
 * example, a hand-computed line filter, and finite differences of the forward pass, which check
 * both backward methods of the scalar reference and of the dispatching entry.
 */
class Conv2dReferenceTest {

    private final Random random = new Random(7L);

    /** The 1x13 example of TensorFlow's padding documentation: input 1..13, filter [2,3,5,7,11,13], stride 5. */
    @Test
    void tensorflow_padding_example() {
        float[] input = new float[13];
        for (int i = 0; i < 13; i++) {
            input[i] = i + 1;
        }
        float[] filter = {2, 3, 5, 7, 11, 13};
        Conv2dShape valid = shape(1, 1, 13, 1, 1, 6, 1, 5, 5, Padding.VALID);
        Conv2dShape same = shape(1, 1, 13, 1, 1, 6, 1, 5, 5, Padding.SAME);
        assertEquals(2, valid.outWidth());
        assertEquals(3, same.outWidth());
        // Integers below 2^24 are exact in float whatever the summation order.
        float[] out = new float[2];
        ScalarConv2d.forward(valid, input, filter, null, false, out);
        assertArrayEquals(new float[] {184, 389}, out);
        Conv2d.forward(valid, input, filter, null, false, out);
        assertArrayEquals(new float[] {184, 389}, out);
        out = new float[3];
        ScalarConv2d.forward(same, input, filter, null, false, out);
        assertArrayEquals(new float[] {143, 348, 204}, out);
        Conv2d.forward(same, input, filter, null, false, out);
        assertArrayEquals(new float[] {143, 348, 204}, out);
    }

    /**
     * A 7x7 SAME filter whose only ones are in column 3 sums, at every pixel, the pixel's column
     * neighbourhood from row -3 to row +3 that lies inside the image.
     */
    @Test
    void vertical_line_filter_sums_column_neighbourhood() {
        int batch = 2;
        int height = 9;
        int width = 8;
        Conv2dShape s = shape(batch, height, width, 1, 7, 7, 1, 1, 1, Padding.SAME);
        float[] filter = new float[49];
        for (int kh = 0; kh < 7; kh++) {
            filter[kh * 7 + 3] = 1f;
        }
        float[] input = new float[s.inputLength()];
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextInt(200) - 100;
        }
        float[] expected = new float[s.outputLength()];
        for (int n = 0; n < batch; n++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    for (int dy = -3; dy <= 3; dy++) {
                        if (y + dy >= 0 && y + dy < height) {
                            sum += input[(n * height + y + dy) * width + x];
                        }
                    }
                    expected[(n * height + y) * width + x] = sum;
                }
            }
        }
        float[] out = new float[s.outputLength()];
        ScalarConv2d.forward(s, input, filter, null, false, out);
        assertArrayEquals(expected, out, "scalar reference");
        out = new float[s.outputLength()];
        Conv2d.forward(s, input, filter, null, false, out);
        assertArrayEquals(expected, out, "Conv2d.forward");
    }

    @Test
    void hand_computed_2x2_valid_with_bias_and_relu() {
        // input 3x3x1 = 1..9, filter 2x2x1x2: channel 0 = [1,0,0,1] (diagonal), channel 1 = [-1,-1,-1,-1].
        float[] input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] filter = {1, -1, 0, -1, 0, -1, 1, -1};
        float[] bias = {0.5f, 20f};
        Conv2dShape s = shape(1, 3, 3, 1, 2, 2, 2, 1, 1, Padding.VALID);
        float[] expected = {6.5f, 8f, 8.5f, 4f, 12.5f, 0f, 14.5f, 0f};
        for (boolean fast : new boolean[] {false, true}) {
            float[] out = new float[8];
            if (fast) {
                Conv2d.forward(s, input, filter, bias, true, out);
            } else {
                ScalarConv2d.forward(s, input, filter, bias, true, out);
            }
            assertArrayEquals(expected, out, fast ? "Conv2d" : "ScalarConv2d");
        }
    }

    /**
     * The dispatching entry and the scalar reference (which the other suites compare against, and which
     * is the whole convolution when the suite runs without the incubator module) against TensorFlow's
     * definition, evaluated here in double with the output size and padding taken from TensorFlow's
     * formulas, not from {@link Padding}: random shapes, batches of 1 to 3, strides 1 to 3, with and
     * without bias and ReLU. Tolerance: each output is a float sum of K + 1 terms, off by at most
     * gamma_(K+1) times the sum of their magnitudes (ReLU does not widen a difference).
     */
    @Test
    void forward_matches_tensorflows_definition_over_random_shapes() {
        int cases = 0;
        while (cases < 60) {
            int batch = 1 + random.nextInt(3);
            int h = 1 + random.nextInt(9);
            int w = 1 + random.nextInt(9);
            int c = 1 + random.nextInt(5);
            int kh = 1 + random.nextInt(5);
            int kw = 1 + random.nextInt(5);
            int oc = 1 + random.nextInt(6);
            int sh = 1 + random.nextInt(3);
            int sw = 1 + random.nextInt(3);
            boolean same = random.nextBoolean();
            if (!same && (kh > h || kw > w)) {
                continue;
            }
            cases++;
            int oh = same ? (h + sh - 1) / sh : (h - kh) / sh + 1;
            int ow = same ? (w + sw - 1) / sw : (w - kw) / sw + 1;
            int padTop = same ? Math.max((oh - 1) * sh + kh - h, 0) / 2 : 0;
            int padLeft = same ? Math.max((ow - 1) * sw + kw - w, 0) / 2 : 0;
            Conv2dShape s = shape(batch, h, w, c, kh, kw, oc, sh, sw, same ? Padding.SAME : Padding.VALID);
            assertEquals(oh, s.outHeight(), s.toString());
            assertEquals(ow, s.outWidth(), s.toString());
            boolean withBias = random.nextBoolean();
            boolean relu = random.nextBoolean();
            float[] input = uniform(random, s.inputLength());
            float[] filter = uniform(random, s.filterLength());
            float[] bias = withBias ? uniform(random, oc) : null;
            double nu = (s.patchLength() + 1) * FLOAT_UNIT_ROUNDOFF;
            for (boolean fast : new boolean[] {false, true}) {
                float[] output = new float[s.outputLength()];
                if (fast) {
                    Conv2d.forward(s, input, filter, bias, relu, output);
                } else {
                    ScalarConv2d.forward(s, input, filter, bias, relu, output);
                }
                for (int n = 0; n < batch; n++) {
                    for (int y = 0; y < oh; y++) {
                        for (int x = 0; x < ow; x++) {
                            for (int o = 0; o < oc; o++) {
                                double sum = withBias ? bias[o] : 0;
                                double magnitude = Math.abs(sum);
                                for (int i = 0; i < kh; i++) {
                                    for (int j = 0; j < kw; j++) {
                                        int row = y * sh + i - padTop;
                                        int column = x * sw + j - padLeft;
                                        if (row < 0 || row >= h || column < 0 || column >= w) {
                                            continue;
                                        }
                                        for (int k = 0; k < c; k++) {
                                            double product = (double) input[((n * h + row) * w + column) * c + k]
                                                    * filter[((i * kw + j) * c + k) * oc + o];
                                            sum += product;
                                            magnitude += Math.abs(product);
                                        }
                                    }
                                }
                                double expected = relu ? Math.max(0, sum) : sum;
                                float actual = output[((n * oh + y) * ow + x) * oc + o];
                                assertEquals(expected, actual, nu / (1 - nu) * magnitude + Float.MIN_NORMAL,
                                        (fast ? "Conv2d " : "ScalarConv2d ") + s + " bias " + withBias + " relu " + relu
                                                + " at [" + n + ", " + y + ", " + x + ", " + o + "]");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The filter gradient's fused ReLU mask against the mask applied here: the gradient comes back
     * multiplied by 0 wherever the output is not positive (0 included), as TensorFlow's ReluGrad, so a
     * negative gradient there becomes -0.0; the filter and bias gradients equal the scalar reference's
     * for the pre-masked gradient. The data are small integers, so every sum is exact in any order and
     * the two must agree bit for bit (assertArrayEquals tells -0.0 from 0.0).
     */
    @Test
    void the_fused_relu_mask_zeroes_the_gradient_where_the_output_is_not_positive() {
        Conv2dShape s = shape(3, 6, 7, 2, 3, 3, 5, 2, 1, Padding.SAME);
        float[] input = TestArrays.smallIntegers(random, s.inputLength(), 3);
        float[] output = uniform(random, s.outputLength());
        for (int i = 0; i < output.length; i += 7) {
            output[i] = 0f;
        }
        float[] outputGrad = TestArrays.smallIntegers(random, s.outputLength(), 3);
        float[] masked = outputGrad.clone();
        for (int i = 0; i < masked.length; i++) {
            if (!(output[i] > 0)) {
                masked[i] *= 0f; // -0.0 for a negative gradient
            }
        }
        float[] expectedFilterGrad = new float[s.filterLength()];
        float[] expectedBiasGrad = new float[s.outChannels()];
        ScalarConv2d.backwardFilter(s, input, masked.clone(), expectedFilterGrad, expectedBiasGrad);
        float[] filterGrad = new float[s.filterLength()];
        float[] biasGrad = new float[s.outChannels()];
        Conv2d.backwardFilter(s, input, outputGrad, filterGrad, biasGrad, output);
        assertArrayEquals(masked, outputGrad, "outputGrad after the fused mask");
        assertArrayEquals(expectedFilterGrad, filterGrad, "filterGrad");
        assertArrayEquals(expectedBiasGrad, biasGrad, "biasGrad");
    }

    /**
     * The fused mask is {@link Relu#backward}'s product, not a select of its own: at dead units a NaN or
     * infinite gradient comes back NaN and a negative one -0.0, bit for bit what the standalone ReLU
     * backward gives, on shapes that take the pixel-lanes filter gradient (small OC), the blocked one (OC
     * past the pixel-lanes tile) and a 1x1 convolution. Only the mask is compared: with a NaN in the
     * gradient the filter gradients of the two paths legitimately differ in which cells turn NaN (the
     * vector path multiplies padded taps, 0 * NaN, where the scalar reference skips them); the finite
     * case is checked bit for bit above.
     */
    @Test
    void the_fused_relu_mask_multiplies_as_tf_relu_grad_at_dead_units() {
        Conv2dShape[] shapes = {
            shape(3, 6, 7, 2, 3, 3, 5, 2, 1, Padding.SAME),
            shape(2, 5, 6, 16, 3, 2, 33, 2, 1, Padding.SAME),
            shape(1, 9, 19, 3, 1, 1, 8, 1, 1, Padding.VALID),
        };
        float[] deadGrads = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -2f, -0f, 3f};
        for (Conv2dShape s : shapes) {
            float[] input = TestArrays.smallIntegers(random, s.inputLength(), 3);
            float[] output = uniform(random, s.outputLength());
            float[] outputGrad = TestArrays.smallIntegers(random, s.outputLength(), 3);
            // Only a few dead cells carry non-finite values, so most filter-gradient cells stay finite.
            for (int i = 0, d = 0; i < output.length; i += 53, d++) {
                output[i] = 0f;
                outputGrad[i] = deadGrads[d % deadGrads.length];
            }
            float[] masked = new float[s.outputLength()];
            Relu.backward(output, outputGrad, masked, masked.length);
            Conv2d.backwardFilter(s, input, outputGrad, new float[s.filterLength()], new float[s.outChannels()],
                    output);
            TestArrays.assertBitwise(masked, outputGrad, masked.length, s + " outputGrad after the fused mask");
            for (int i = 0; i < output.length; i += 53) {
                // Spelled out too, so a mask that selects instead of multiplying cannot pass with Relu.
                float dead = deadGrads[(i / 53) % deadGrads.length] * 0f;
                assertEquals(Float.floatToIntBits(dead), Float.floatToIntBits(outputGrad[i]), s + " cell " + i);
            }
        }
    }

    @Test
    void gradients_match_finite_differences_with_a_batch_and_wide_patch_rows() {
        // KW * C = 32 and OC = 33: the fast paths' full tiles and a second column panel.
        checkGradients(shape(2, 5, 6, 16, 3, 2, 33, 2, 1, Padding.SAME));
    }

    @Test
    void gradients_match_finite_differences_same_strided() {
        checkGradients(shape(2, 5, 6, 3, 3, 2, 4, 2, 1, Padding.SAME));
    }

    @Test
    void gradients_match_finite_differences_valid() {
        checkGradients(shape(1, 6, 5, 2, 3, 3, 3, 1, 2, Padding.VALID));
    }

    @Test
    void gradients_match_finite_differences_filter_larger_than_input() {
        checkGradients(shape(1, 2, 3, 2, 5, 4, 3, 1, 1, Padding.SAME));
    }

    @Test
    void gradients_match_finite_differences_stride_gt_kernel() {
        checkGradients(shape(2, 7, 7, 2, 2, 1, 3, 3, 3, Padding.SAME));
    }

    /**
     * With {@code L = sum over outputs of r * y} (r random, y the forward without activation), the
     * backward methods given {@code outputGrad = r} must return dL/dinput, dL/dfilter and dL/dbias.
     * L is linear in every operand, so a central difference with a large step h = 0.5 is exact
     * in exact arithmetic; L is accumulated in double from the float outputs. Each forward output
     * carries a rounding error of at most gamma_(K+1) * sum|products|, and the perturbed element adds at
     * most h * max|other operand| to that sum, so the difference quotient is off by at most
     * {@code 2 * gamma * sum|r| * (max sum|products| + h*max|operand|) / (2h)}, plus the backward
     * method's own rounding ({@link Conv2dTestData#twoSumBound}).
     */
    private void checkGradients(Conv2dShape s) {
        float[] input = uniform(random, s.inputLength());
        float[] filter = uniform(random, s.filterLength());
        float[] bias = uniform(random, s.outChannels());
        float[] r = uniform(random, s.outputLength());

        float[] magnitude = new float[s.outputLength()];
        ScalarConv2d.forward(s, abs(input), abs(filter), abs(bias), false, magnitude);
        double maxMagnitude = 0;
        double sumAbsR = 0;
        for (int i = 0; i < magnitude.length; i++) {
            maxMagnitude = Math.max(maxMagnitude, magnitude[i]);
            sumAbsR += Math.abs(r[i]);
        }
        double h = 0.5;
        double nu = (s.patchLength() + 2) * FLOAT_UNIT_ROUNDOFF;
        double forwardError = nu / (1 - nu) * sumAbsR * (maxMagnitude + h);
        double differenceError = 2 * forwardError / (2 * h);
        long pixels = s.outputPixels();

        for (boolean fast : new boolean[] {false, true}) {
            float[] inputGrad = new float[s.inputLength()];
            float[] filterGrad = new float[s.filterLength()];
            float[] biasGrad = new float[s.outChannels()];
            if (fast) {
                Conv2d.backwardInput(s, filter, r, inputGrad);
                Conv2d.backwardFilter(s, input, r, filterGrad, biasGrad);
            } else {
                ScalarConv2d.backwardInput(s, filter, r, inputGrad);
                ScalarConv2d.backwardFilter(s, input, r, filterGrad, biasGrad);
            }
            String who = fast ? "Conv2d" : "ScalarConv2d";
            for (int i = 0; i < input.length; i++) {
                double numeric = difference(s, input, i, h, input, filter, bias, r);
                double tolerance = differenceError + twoSumBound((long) s.filterHeight() * s.filterWidth()
                        * s.outChannels(), s.filterHeight() * s.filterWidth() * s.outChannels());
                assertEquals(numeric, inputGrad[i], tolerance, who + " inputGrad[" + i + "] of " + s);
            }
            for (int i = 0; i < filter.length; i++) {
                double numeric = difference(s, filter, i, h, input, filter, bias, r);
                double tolerance = differenceError + twoSumBound(pixels, pixels);
                assertEquals(numeric, filterGrad[i], tolerance, who + " filterGrad[" + i + "] of " + s);
            }
            for (int i = 0; i < bias.length; i++) {
                double numeric = difference(s, bias, i, h, input, filter, bias, r);
                double tolerance = differenceError + twoSumBound(pixels, pixels);
                assertEquals(numeric, biasGrad[i], tolerance, who + " biasGrad[" + i + "] of " + s);
            }
        }
    }

    /** Central difference of L along element i of {@code operand} (one of input, filter, bias). */
    private static double difference(Conv2dShape s, float[] operand, int i, double h,
                                     float[] input, float[] filter, float[] bias, float[] r) {
        float saved = operand[i];
        float plus = (float) (saved + h);
        float minus = (float) (saved - h);
        operand[i] = plus;
        double lossPlus = loss(s, input, filter, bias, r);
        operand[i] = minus;
        double lossMinus = loss(s, input, filter, bias, r);
        operand[i] = saved;
        // Divide by the step actually taken, which float rounding may have changed.
        return (lossPlus - lossMinus) / ((double) plus - minus);
    }

    private static double loss(Conv2dShape s, float[] input, float[] filter, float[] bias, float[] r) {
        float[] y = new float[s.outputLength()];
        ScalarConv2d.forward(s, input, filter, bias, false, y);
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) r[i] * y[i];
        }
        return sum;
    }
}
