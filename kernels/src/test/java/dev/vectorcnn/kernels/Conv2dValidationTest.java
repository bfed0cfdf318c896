package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every validation rule of {@link Conv2dShape} and {@link Conv2d}: the exception, its message, nothing written. */
class Conv2dValidationTest {

    private static final Conv2dShape S = new Conv2dShape(2, 5, 6, 3, 3, 3, 4, 2, 1, Padding.SAME);

    @Test
    void shape_sizes_must_be_positive() {
        String[] names = {"batch", "inHeight", "inWidth", "inChannels", "filterHeight", "filterWidth",
                "outChannels", "strideHeight", "strideWidth"};
        for (int field = 0; field < names.length; field++) {
            for (int bad : new int[] {0, -1}) {
                int[] v = {2, 5, 6, 3, 3, 3, 4, 2, 1};
                v[field] = bad;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new Conv2dShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], Padding.SAME));
                assertEquals(names[field] + " must be > 0, got " + bad, e.getMessage());
            }
        }
    }

    @Test
    void shape_padding_must_not_be_null() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new Conv2dShape(1, 5, 5, 1, 3, 3, 1, 1, 1, null));
        assertTrue(e.getMessage().contains("padding"), e.getMessage());
    }

    @Test
    void valid_filter_larger_than_input_is_rejected() {
        IllegalArgumentException tall = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1, 4, 9, 1, 5, 3, 1, 1, 1, Padding.VALID));
        assertTrue(tall.getMessage().contains("filter 5x3 is larger than input 4x9"), tall.getMessage());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1, 9, 2, 1, 1, 3, 1, 1, 1, Padding.VALID));
        assertTrue(wide.getMessage().contains("filter 1x3 is larger than input 9x2"), wide.getMessage());
        // The same filter is fine under SAME padding.
        assertEquals(9, new Conv2dShape(1, 9, 2, 1, 1, 3, 1, 1, 1, Padding.SAME).outHeight());
    }

    @Test
    void tensor_lengths_must_fit_an_int() {
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(100_000, 100, 100, 3, 1, 1, 1, 100, 100, Padding.VALID));
        assertEquals("input [100000, 100, 100, 3] has 3000000000 elements, more than Integer.MAX_VALUE (2147483647)",
                input.getMessage());
        IllegalArgumentException filter = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1, 1, 1, 50_000, 1, 1, 50_000, 1, 1, Padding.SAME));
        assertTrue(filter.getMessage().startsWith("filter [1, 1, 50000, 50000]"), filter.getMessage());
        IllegalArgumentException output = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1_000, 100, 100, 1, 1, 1, 1_000, 1, 1, Padding.SAME));
        assertTrue(output.getMessage().startsWith("output [1000, 100, 100, 1000]"), output.getMessage());
    }

    @Test
    void tensor_lengths_past_an_int_are_caught_at_every_factor() {
        // Past the limit after the third factor...
        IllegalArgumentException third = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1_000, 2_000, 2_000, 1, 1, 1, 1, 1, 1, Padding.SAME));
        assertEquals("input [1000, 2000, 2000, 1] has 4000000000 elements, more than Integer.MAX_VALUE (2147483647)",
                third.getMessage());
        // ...and after the second, with factors whose full product overflows a long: the count must not wrap.
        int max = Integer.MAX_VALUE;
        IllegalArgumentException second = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1, 1, 1, max, 46_341, 46_341, max, 1, 1, Padding.SAME));
        assertEquals("filter [46341, 46341, 2147483647, 2147483647] has "
                        + BigInteger.valueOf(46_341L * 46_341L).multiply(BigInteger.valueOf(max))
                        .multiply(BigInteger.valueOf(max))
                        + " elements, more than Integer.MAX_VALUE (2147483647)", second.getMessage());
        // The largest tensors that fit are fine.
        assertEquals(max, new Conv2dShape(1, 1, 1, max, 1, 1, 1, 1, 1, Padding.SAME).inputLength());
    }

    @Test
    void shape_reports_tensorflow_sizes() {
        assertEquals(3, S.outHeight());
        assertEquals(6, S.outWidth());
        assertEquals(2 * 5 * 6 * 3, S.inputLength());
        assertEquals(3 * 3 * 3 * 4, S.filterLength());
        assertEquals(2 * 3 * 6 * 4, S.outputLength());
    }

    @Test
    void null_arguments_name_themselves() {
        float[] in = new float[S.inputLength()];
        float[] f = new float[S.filterLength()];
        float[] out = new float[S.outputLength()];
        float[] b = new float[S.outChannels()];
        expectNull("shape", () -> Conv2d.forward(null, in, f, b, false, out));
        expectNull("input", () -> Conv2d.forward(S, null, f, b, false, out));
        expectNull("filter", () -> Conv2d.forward(S, in, null, b, false, out));
        expectNull("output", () -> Conv2d.forward(S, in, f, b, false, null));
        expectNull("shape", () -> Conv2d.backwardInput(null, f, out, in));
        expectNull("filter", () -> Conv2d.backwardInput(S, null, out, in));
        expectNull("outputGrad", () -> Conv2d.backwardInput(S, f, null, in));
        expectNull("inputGrad", () -> Conv2d.backwardInput(S, f, out, null));
        expectNull("shape", () -> Conv2d.backwardFilter(null, in, out, f, b));
        expectNull("input", () -> Conv2d.backwardFilter(S, null, out, f, b));
        expectNull("outputGrad", () -> Conv2d.backwardFilter(S, in, null, f, b));
        expectNull("filterGrad", () -> Conv2d.backwardFilter(S, in, out, null, b));
        expectNull("shape", () -> Conv2d.backwardFilterOnly(null, in, out, f, b, out));
        expectNull("input", () -> Conv2d.backwardFilterOnly(S, null, out, f, b, out));
        expectNull("outputGrad", () -> Conv2d.backwardFilterOnly(S, in, null, f, b, out));
        expectNull("filterGrad", () -> Conv2d.backwardFilterOnly(S, in, out, null, b, out));
    }

    @Test
    void short_arrays_are_rejected_before_anything_is_written() {
        int in = S.inputLength();
        int f = S.filterLength();
        int out = S.outputLength();
        int oc = S.outChannels();
        float[] output = sentinel(out);
        float[] inputGrad = sentinel(in);
        float[] filterGrad = sentinel(f);
        float[] biasGrad = sentinel(oc);

        expectShort("input", in, () -> Conv2d.forward(S, new float[in - 1], new float[f], null, false, output));
        expectShort("filter", f, () -> Conv2d.forward(S, new float[in], new float[f - 1], null, false, output));
        expectShort("bias", oc, () -> Conv2d.forward(S, new float[in], new float[f], new float[oc - 1], false, output));
        expectShort("output", out, () -> Conv2d.forward(S, new float[in], new float[f], null, false, new float[out - 1]));

        expectShort("filter", f, () -> Conv2d.backwardInput(S, new float[f - 1], new float[out], inputGrad));
        expectShort("outputGrad", out, () -> Conv2d.backwardInput(S, new float[f], new float[out - 1], inputGrad));
        expectShort("inputGrad", in, () -> Conv2d.backwardInput(S, new float[f], new float[out], new float[in - 1]));

        expectShort("input", in, () -> Conv2d.backwardFilter(S, new float[in - 1], new float[out], filterGrad, biasGrad));
        expectShort("outputGrad", out,
                () -> Conv2d.backwardFilter(S, new float[in], new float[out - 1], filterGrad, biasGrad));
        expectShort("filterGrad", f,
                () -> Conv2d.backwardFilter(S, new float[in], new float[out], new float[f - 1], biasGrad));
        expectShort("biasGrad", oc,
                () -> Conv2d.backwardFilter(S, new float[in], new float[out], filterGrad, new float[oc - 1]));
        float[] outputGrad = sentinel(out);
        expectShort("reluOutput", out,
                () -> Conv2d.backwardFilter(S, new float[in], outputGrad, filterGrad, biasGrad, new float[out - 1]));

        expectShort("input", in,
                () -> Conv2d.backwardFilterOnly(S, new float[in - 1], outputGrad, filterGrad, biasGrad, new float[out]));
        expectShort("outputGrad", out,
                () -> Conv2d.backwardFilterOnly(S, new float[in], new float[out - 1], filterGrad, biasGrad, null));
        expectShort("filterGrad", f,
                () -> Conv2d.backwardFilterOnly(S, new float[in], outputGrad, new float[f - 1], biasGrad, null));
        expectShort("biasGrad", oc,
                () -> Conv2d.backwardFilterOnly(S, new float[in], outputGrad, filterGrad, new float[oc - 1], null));
        expectShort("reluOutput", out,
                () -> Conv2d.backwardFilterOnly(S, new float[in], outputGrad, filterGrad, biasGrad, new float[out - 1]));

        for (float[] untouched : new float[][] {output, inputGrad, filterGrad, biasGrad, outputGrad}) {
            assertArrayEquals(sentinel(untouched.length), untouched, "an array was written before a check failed");
        }
    }

    @Test
    void optional_bias_and_bias_gradient_may_be_null() {
        float[] out = new float[S.outputLength()];
        Conv2d.forward(S, new float[S.inputLength()], new float[S.filterLength()], null, false, out);
        float[] filterGrad = sentinel(S.filterLength());
        Conv2d.backwardFilter(S, new float[S.inputLength()], new float[S.outputLength()], filterGrad, null);
        assertArrayEquals(new float[S.filterLength()], filterGrad);
    }

    private static void expectNull(String name, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(name + " must not be null", e.getMessage());
    }

    private static void expectShort(String name, int needed, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(name + " too short: needs " + needed + " elements, got " + (needed - 1), e.getMessage());
    }

    private static float[] sentinel(int length) {
        float[] a = new float[length];
        Arrays.fill(a, 7f);
        return a;
    }
}
