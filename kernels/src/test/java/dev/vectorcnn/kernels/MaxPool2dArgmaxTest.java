package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MaxPool2d}'s forward-with-argmax and backward-from-argmax: the vector path against the scalar
 * reference (bitwise, bytes included), and both against the pass that recomputes the maxima from the
 * input. That pass shares one method with them, {@code ScalarMaxPool2d.argmax} (the first-maximum rule),
 * which {@link MaxPool2dTest} checks against a window walk of its own.
 */
class MaxPool2dArgmaxTest {

    private static final float SENTINEL = -12345f;

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void vector_path_matches_scalar_reference_and_the_recomputing_pass_over_random_shapes() {
        SplittableRandom random = new SplittableRandom(21);
        int checked = 0;
        for (Pool2dShape s : PoolCases.randomShapes(22, 280)) {
            check(s, PoolCases.tieHeavy(random, s.inputLength()), TestArrays.uniform(random, s.outputLength()));
            checked++;
        }
        assertEquals(280, checked);
    }

    @Test
    void windows_past_128_cells_keep_their_index_as_an_unsigned_byte() {
        SplittableRandom random = new SplittableRandom(23);
        Pool2dShape[] shapes = {
                new Pool2dShape(2, 16, 16, 17, 16, 16, 16, 16, Padding.VALID),
                new Pool2dShape(1, 13, 14, 33, 12, 12, 5, 7, Padding.SAME)};
        for (Pool2dShape s : shapes) {
            // Distinct values, so the winner of a big window is anywhere in it, mostly past cell 127.
            check(s, PoolCases.distinct(random, s.inputLength()), TestArrays.uniform(random, s.outputLength()));
        }
    }

    @Test
    void the_mnist_pool_matches_the_recomputing_pass_for_any_thread_count() {
        Pool2dShape s = new Pool2dShape(8, 14, 14, 64, 2, 2, 2, 2, Padding.VALID);
        SplittableRandom random = new SplittableRandom(24);
        float[] x = PoolCases.tieHeavy(random, s.inputLength());
        float[] dy = TestArrays.uniform(random, s.outputLength());
        float[] expected = new float[s.inputLength()];
        ScalarMaxPool2d.backward(s, x, dy, expected);
        for (int threads : new int[] {1, 2, 7}) {
            KernelThreads.setThreads(threads);
            byte[] argmax = new byte[s.outputLength()];
            float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
            MaxPool2d.forward(s, x, new float[s.outputLength()], argmax);
            MaxPool2d.backward(s, argmax, dy, dx);
            TestArrays.assertBitwise(expected, dx, dx.length, threads + " threads " + s);
        }
    }

    @Test
    void disjoint_2x2_windows_with_ragged_edges_around_whole_rows_of_full_windows() {
        // Output rows of full 2x2 windows take a row-by-row path; SAME padding on odd sizes makes the
        // last window of a row, or a whole last row, ragged (stride 3 also leaves cells in no window).
        // Channel counts that fill whole vectors at 128, 256 and 512 bits, and one that does not.
        SplittableRandom random = new SplittableRandom(25);
        for (int channels : new int[] {16, 64, 17}) {
            for (int[] size : new int[][] {{5, 7}, {4, 7}, {7, 4}, {6, 6}, {3, 9}}) {
                for (int stride : new int[] {2, 3}) {
                    for (Padding padding : Padding.values()) {
                        Pool2dShape s = new Pool2dShape(2, size[0], size[1], channels, 2, 2, stride, stride, padding);
                        check(s, PoolCases.tieHeavy(random, s.inputLength()), TestArrays.uniform(random, s.outputLength()));
                    }
                }
            }
        }
    }

    @Test
    void bytes_naming_padding_before_a_windows_first_real_cell_add_nothing_in_the_channel_tail() {
        // SAME on 5x5 with 3x3 windows pads the top and left, so an edge window's first real cell is not
        // its cell 0 and a byte can name a padded cell before it. Channel counts leave a tail past the last
        // full vector at 128, 256 and 512 bits (5 and fewer than a vector go to the reference whole).
        SplittableRandom random = new SplittableRandom(31);
        for (int channels : new int[] {5, 15, 17, 33}) {
            for (int stride : new int[] {1, 3}) {
                Pool2dShape s = new Pool2dShape(2, 5, 5, channels, 3, 3, stride, stride, Padding.SAME);
                float[] dy = TestArrays.uniform(random, s.outputLength());
                for (int winner = 0; winner < 12; winner++) {
                    byte[] argmax = new byte[s.outputLength()];
                    Arrays.fill(argmax, (byte) winner);
                    float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
                    float[] expected = TestArrays.filled(s.inputLength(), Float.NaN);
                    MaxPool2d.backward(s, argmax, dy, dx);
                    ScalarMaxPool2d.backward(s, argmax, dy, expected);
                    TestArrays.assertBitwise(expected, dx, dx.length, "winner " + winner + " " + s);
                }
            }
        }
    }

    @Test
    void a_byte_that_names_no_real_cell_adds_nothing() {
        // 3x3 windows, stride 2, SAME on 4x4: the last row and column of windows hang over the padding.
        Pool2dShape s = new Pool2dShape(1, 4, 4, 19, 3, 3, 2, 2, Padding.SAME);
        float[] dy = TestArrays.filled(s.outputLength(), 1f);
        // 200 is past the 9 cells of every window; 8 (bottom right) is padding for the overhanging windows.
        for (byte winner : new byte[] {(byte) 200, 8}) {
            byte[] argmax = new byte[s.outputLength()];
            Arrays.fill(argmax, winner);
            float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
            float[] dxRef = TestArrays.filled(s.inputLength(), Float.NaN);
            MaxPool2d.backward(s, argmax, dy, dx);
            ScalarMaxPool2d.backward(s, argmax, dy, dxRef);
            TestArrays.assertBitwise(dxRef, dx, dx.length, "winner " + winner);
            double sum = 0;
            for (float v : dx) {
                sum += v;
            }
            // Cell 8 is real only in the window at (0, 0): one gradient per channel lands.
            assertEquals(winner == 8 ? s.channels() : 0, sum, 0, "winner " + winner);
        }
    }

    @Test
    void rejects_bad_arguments_by_name_and_writes_nothing() {
        Pool2dShape s = new Pool2dShape(2, 4, 4, 3, 2, 2, 2, 2, Padding.VALID); // input 96, output 24
        float[] out = TestArrays.filled(24, SENTINEL);
        float[] grad = TestArrays.filled(96, SENTINEL);
        byte[] argmax = new byte[24];
        Arrays.fill(argmax, (byte) 7);
        assertMessage(NullPointerException.class, "argmax", () -> MaxPool2d.forward(s, new float[96], out, null));
        assertMessage(NullPointerException.class, "argmax", () -> MaxPool2d.backward(s, (byte[]) null, new float[24], grad));
        float[] input = TestArrays.filled(96, 1f), outGrad = TestArrays.filled(24, 1f);
        float[] shortOut = TestArrays.filled(23, SENTINEL), shortGrad = TestArrays.filled(95, SENTINEL);
        byte[] shortArgmax = new byte[23], tinyArgmax = new byte[3];
        Arrays.fill(shortArgmax, (byte) 7);
        Arrays.fill(tinyArgmax, (byte) 7);
        assertMessage(IllegalArgumentException.class, "argmax too short: needs 24 elements, got 23",
                () -> MaxPool2d.forward(s, input, out, shortArgmax));
        assertMessage(IllegalArgumentException.class, "output too short: needs 24 elements, got 23",
                () -> MaxPool2d.forward(s, input, shortOut, argmax));
        assertMessage(IllegalArgumentException.class, "argmax too short: needs 24 elements, got 3",
                () -> MaxPool2d.backward(s, tinyArgmax, outGrad, grad));
        assertMessage(IllegalArgumentException.class, "inputGrad too short: needs 96 elements, got 95",
                () -> MaxPool2d.backward(s, argmax, outGrad, shortGrad));
        // The too-short arrays too: a pass made before the checks would write into them.
        TestArrays.assertUntouchedFrom(shortOut, 0, SENTINEL, "too-short output");
        TestArrays.assertUntouchedFrom(shortGrad, 0, SENTINEL, "too-short inputGrad");
        TestArrays.assertUntouchedFrom(input, 0, 1f, "input");
        TestArrays.assertUntouchedFrom(outGrad, 0, 1f, "outputGrad");
        for (byte b : shortArgmax) {
            assertEquals(7, b, "too-short argmax");
        }
        for (byte b : tinyArgmax) {
            assertEquals(7, b, "too-short argmax of backward");
        }
        Pool2dShape huge = new Pool2dShape(1, 17, 17, 1, 17, 16, 1, 1, Padding.VALID);
        assertMessage(IllegalArgumentException.class, "at most 256 cells, got 17x16 = 272",
                () -> MaxPool2d.forward(huge, new float[289], new float[2], new byte[2]));
        assertMessage(IllegalArgumentException.class, "at most 256 cells, got 17x16 = 272",
                () -> MaxPool2d.backward(huge, new byte[2], new float[2], new float[289]));
        // 65536 x 65536 cells is 2^32, 0 in int arithmetic: the check must not wrap.
        Pool2dShape wrapping = new Pool2dShape(1, 2, 2, 1, 65536, 65536, 1, 1, Padding.SAME);
        assertMessage(IllegalArgumentException.class, "at most 256 cells, got 65536x65536 = 4294967296",
                () -> MaxPool2d.forward(wrapping, new float[4], out, argmax));
        assertMessage(IllegalArgumentException.class, "at most 256 cells, got 65536x65536 = 4294967296",
                () -> MaxPool2d.backward(wrapping, argmax, new float[4], grad));
        TestArrays.assertUntouchedFrom(out, 0, SENTINEL, "output");
        TestArrays.assertUntouchedFrom(grad, 0, SENTINEL, "inputGrad");
        for (byte b : argmax) {
            assertEquals(7, b, "argmax");
        }
    }

    /** Vector path vs scalar reference (bitwise, with the bytes), and both vs the recomputing pass. */
    private static void check(Pool2dShape s, float[] x, float[] dy) {
        float[] y = TestArrays.filled(s.outputLength() + 3, SENTINEL);
        float[] yRef = new float[s.outputLength()];
        byte[] argmax = new byte[s.outputLength() + 3];
        byte[] argmaxRef = new byte[s.outputLength() + 3];
        MaxPool2d.forward(s, x, y, argmax);
        ScalarMaxPool2d.forward(s, x, yRef, argmaxRef);
        TestArrays.assertBitwise(yRef, y, s.outputLength(), "forward " + s);
        TestArrays.assertUntouchedFrom(y, s.outputLength(), SENTINEL, "forward " + s);
        assertArrayEquals(argmaxRef, argmax, "argmax " + s);

        float[] yRecomputed = new float[s.outputLength()];
        ScalarMaxPool2d.forward(s, x, yRecomputed);
        TestArrays.assertBitwise(yRecomputed, y, s.outputLength(), "forward vs plain forward " + s);

        // NaN garbage: the backward pass must overwrite every cell, including cells in no window.
        float[] dx = TestArrays.filled(s.inputLength() + 3, Float.NaN);
        float[] dxRef = new float[s.inputLength()];
        float[] dxRecomputed = new float[s.inputLength()];
        MaxPool2d.backward(s, argmax, dy, dx);
        ScalarMaxPool2d.backward(s, argmaxRef, dy, dxRef);
        ScalarMaxPool2d.backward(s, x, dy, dxRecomputed);
        TestArrays.assertBitwise(dxRef, dx, s.inputLength(), "backward " + s);
        TestArrays.assertBitwise(dxRecomputed, dx, s.inputLength(), "backward vs recomputing backward " + s);
        TestArrays.assertUntouchedFrom(dx, s.inputLength(), Float.NaN, "backward " + s);
    }
}
