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
