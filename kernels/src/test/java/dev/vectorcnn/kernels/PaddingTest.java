package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Padding} against TensorFlow's rule written out here in its own terms. */
class PaddingTest {

    /** TensorFlow's GetWindowedOutputSize for SAME: out = ceil(in / s), pad_total = max((out-1)s + k - in, 0). */
    private static long tfSamePadTotal(long in, long k, long s) {
        long out = (in + s - 1) / s;
        return Math.max((out - 1) * s + k - in, 0);
    }

    /**
     * Axes worked out by hand from TensorFlow's documented rule ({in, k, s, out, before, after}): MNIST
     * conv2's stride-2 axis pads one cell, after; a window larger than the input pads on both sides; a
     * stride larger than the window needs no padding.
     */
    @Test
    void same_padding_of_axes_worked_out_by_hand() {
        int[][] cases = {
            {28, 3, 2, 14, 0, 1},
            {28, 3, 1, 28, 1, 1},
            {10, 5, 2, 5, 1, 2},
            {7, 2, 3, 3, 0, 1},
            {1, 7, 1, 1, 3, 3},
            {6, 1, 4, 2, 0, 0},
            {14, 2, 2, 7, 0, 0},
        };
        for (int[] c : cases) {
            String where = "in " + c[0] + ", k " + c[1] + ", s " + c[2];
            assertEquals(c[3], Padding.SAME.outputSize(c[0], c[1], c[2]), where);
            assertEquals(c[4], Padding.SAME.padBefore(c[0], c[1], c[2]), where);
            assertEquals(c[5], Padding.SAME.padAfter(c[0], c[1], c[2]), where);
        }
    }

    @Test
    void matches_tensorflow_over_small_axes() {
        for (int in = 1; in <= 20; in++) {
            for (int k = 1; k <= 9; k++) {
                for (int s = 1; s <= 6; s++) {
                    String where = "in " + in + ", k " + k + ", s " + s;
                    long total = tfSamePadTotal(in, k, s);
                    assertEquals((in + s - 1) / s, Padding.SAME.outputSize(in, k, s), where);
                    assertEquals(total / 2, Padding.SAME.padBefore(in, k, s), where);
                    assertEquals(total - total / 2, Padding.SAME.padAfter(in, k, s), where);
                    assertEquals(in < k ? 0 : (in - k) / s + 1, Padding.VALID.outputSize(in, k, s), where);
                    assertEquals(0, Padding.VALID.padBefore(in, k, s), where);
                    assertEquals(0, Padding.VALID.padAfter(in, k, s), where);
                }
            }
        }
    }

    /** The tutorial's example: 13 inputs, a 6-wide filter, stride 5: SAME pads 1 before and 2 after. */
    @Test
    void the_tutorials_axis_pads_the_odd_cell_after() {
        assertEquals(3, Padding.SAME.outputSize(13, 6, 5));
        assertEquals(1, Padding.SAME.padBefore(13, 6, 5));
        assertEquals(2, Padding.SAME.padAfter(13, 6, 5));
        assertEquals(2, Padding.VALID.outputSize(13, 6, 5));
    }

    @Test
    void axes_near_the_int_limit_do_not_overflow() {
        int max = Integer.MAX_VALUE;
        long total = tfSamePadTotal(max, max, 1);
        assertEquals(total / 2, Padding.SAME.padBefore(max, max, 1));
        assertEquals(total - total / 2, Padding.SAME.padAfter(max, max, 1));
        long strided = tfSamePadTotal(max - 2, 1000, max / 2);
        assertEquals(strided - strided / 2, Padding.SAME.padAfter(max - 2, 1000, max / 2));
    }

    @Test
    void non_positive_sizes_are_refused_by_name() {
        for (Padding padding : Padding.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> padding.padAfter(5, 0, 1));
            assertTrue(e.getMessage().contains("kernel size") && e.getMessage().contains("0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> padding.padAfter(5, 3, -2));
            assertTrue(e.getMessage().contains("stride") && e.getMessage().contains("-2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> padding.padBefore(0, 3, 1));
            assertTrue(e.getMessage().contains("input size"), e.getMessage());
        }
    }
}
