package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Pool2dShape}: output sizes by TensorFlow's rule and every validation rule. */
class Pool2dShapeTest {

    @Test
    void output_sizes_follow_tensorflow_padding_rule() {
        // MNIST pool: 28x28, 2x2 stride 2 -> 14x14 either way.
        Pool2dShape mnist = new Pool2dShape(100, 28, 28, 32, 2, 2, 2, 2, Padding.SAME);
        assertEquals(14, mnist.outHeight());
        assertEquals(14, mnist.outWidth());
        assertEquals(100 * 28 * 28 * 32, mnist.inputLength());
        assertEquals(100 * 14 * 14 * 32, mnist.outputLength());
        // Odd sizes: SAME = ceil(in / s), VALID = floor((in - k) / s) + 1.
        Pool2dShape same = new Pool2dShape(1, 7, 5, 3, 3, 2, 2, 3, Padding.SAME);
        assertEquals(4, same.outHeight());
        assertEquals(2, same.outWidth());
        Pool2dShape valid = new Pool2dShape(1, 7, 5, 3, 3, 2, 2, 3, Padding.VALID);
        assertEquals(3, valid.outHeight());
        assertEquals(2, valid.outWidth());
        assertEquals(3 * 2 * 3, valid.outputLength());
    }

    @Test
    void stride_greater_than_window_is_allowed() {
        Pool2dShape s = new Pool2dShape(1, 10, 10, 1, 2, 2, 5, 5, Padding.VALID);
        assertEquals(2, s.outHeight());
    }

    @Test
    void rejects_non_positive_sizes_naming_the_argument() {
        assertMessage(IllegalArgumentException.class, "batch must be > 0, got 0",
                () -> new Pool2dShape(0, 4, 4, 1, 2, 2, 2, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "inHeight must be > 0, got -1",
                () -> new Pool2dShape(1, -1, 4, 1, 2, 2, 2, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "inWidth must be > 0, got 0",
                () -> new Pool2dShape(1, 4, 0, 1, 2, 2, 2, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "channels must be > 0, got 0",
                () -> new Pool2dShape(1, 4, 4, 0, 2, 2, 2, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "windowHeight must be > 0, got 0",
                () -> new Pool2dShape(1, 4, 4, 1, 0, 2, 2, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "windowWidth must be > 0, got -3",
                () -> new Pool2dShape(1, 4, 4, 1, 2, -3, 2, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "strideHeight must be > 0, got 0",
                () -> new Pool2dShape(1, 4, 4, 1, 2, 2, 0, 2, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "strideWidth must be > 0, got 0",
                () -> new Pool2dShape(1, 4, 4, 1, 2, 2, 2, 0, Padding.SAME));
        assertMessage(NullPointerException.class, "padding",
                () -> new Pool2dShape(1, 4, 4, 1, 2, 2, 2, 2, null));
    }

    @Test
    void valid_window_larger_than_input_is_rejected_but_same_is_not() {
        assertMessage(IllegalArgumentException.class, "VALID window 5x2 does not fit the 4x4 input",
                () -> new Pool2dShape(1, 4, 4, 1, 5, 2, 1, 1, Padding.VALID));
        assertMessage(IllegalArgumentException.class, "VALID window 2x5 does not fit the 4x4 input",
                () -> new Pool2dShape(1, 4, 4, 1, 2, 5, 1, 1, Padding.VALID));
        assertEquals(1, new Pool2dShape(1, 4, 4, 1, 5, 5, 4, 4, Padding.SAME).outHeight());
    }

    @Test
    void sizes_beyond_int_are_rejected_not_wrapped() {
        assertMessage(IllegalArgumentException.class, "4294967296 input",
                () -> new Pool2dShape(65536, 256, 256, 1, 1, 1, 1, 1, Padding.VALID));
    }
}
