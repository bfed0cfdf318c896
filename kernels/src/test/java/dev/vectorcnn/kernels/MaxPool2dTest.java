package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MaxPool2d} against its scalar reference (bitwise), a double-precision reference that walks
 * padded windows from TensorFlow's definition, finite differences, and TensorFlow's documented tie
 * and padding behaviour.
 */
class MaxPool2dTest {

    private static final float SENTINEL = -12345f;

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void vector_path_matches_scalar_reference_bitwise_over_random_shapes() {
        List<Pool2dShape> shapes = PoolCases.randomShapes(1, 280);
        SplittableRandom random = new SplittableRandom(2);
        int checked = 0;
        for (Pool2dShape s : shapes) {
            float[] x = PoolCases.tieHeavy(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            float[] y = TestArrays.filled(s.outputLength() + 3, SENTINEL);
            float[] yRef = new float[s.outputLength()];
            // NaN garbage: the backward pass must overwrite every cell, including cells in no window.
            float[] dx = TestArrays.filled(s.inputLength() + 3, Float.NaN);
            float[] dxRef = new float[s.inputLength()];
            MaxPool2d.forward(s, x, y);
            ScalarMaxPool2d.forward(s, x, yRef);
            MaxPool2d.backward(s, x, dy, dx);
            ScalarMaxPool2d.backward(s, x, dy, dxRef);
            TestArrays.assertBitwise(yRef, y, s.outputLength(), "forward " + s);
            TestArrays.assertBitwise(dxRef, dx, s.inputLength(), "backward " + s);
            TestArrays.assertUntouchedFrom(y, s.outputLength(), SENTINEL, "forward " + s);
            TestArrays.assertUntouchedFrom(dx, s.inputLength(), Float.NaN, "backward " + s);
            checked++;
        }
        assertEquals(280, checked);
    }

    @Test
    void forward_equals_max_of_real_cells_from_independent_reference() {
        SplittableRandom random = new SplittableRandom(3);
        for (Pool2dShape s : PoolCases.randomShapes(4, 140)) {
            float[] x = TestArrays.uniform(random, s.inputLength());
            float[] y = new float[s.outputLength()];
            MaxPool2d.forward(s, x, y);
            double[] expected = PoolCases.maxForward(s, TestArrays.toDouble(x));
            for (int i = 0; i < y.length; i++) {
                // A max selects one input value: exact.
                assertEquals(expected[i], y[i], 0.0, () -> "output differs for " + s);
            }
        }
    }

    @Test
    void backward_sends_each_gradient_to_first_maximum_in_row_major_order() {
        SplittableRandom random = new SplittableRandom(5);
        for (Pool2dShape s : PoolCases.randomShapes(6, 140)) {
            float[] x = PoolCases.tieHeavy(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            double[] expected = new double[s.inputLength()];
            double[] magnitude = new double[s.inputLength()];
            PoolCases.forEachWindow(s, (o, cells, count) -> {
                int best = cells[0];
                for (int i = 1; i < count; i++) {
                    if (x[cells[i]] > x[best]) {
                        best = cells[i];
                    }
                }
                expected[best] += dy[o];
                magnitude[best] += Math.abs(dy[o]);
            });
            float[] dx = new float[s.inputLength()];
            MaxPool2d.backward(s, x, dy, dx);
            int windows = s.windowHeight() * s.windowWidth();
            for (int i = 0; i < dx.length; i++) {
                // At most `windows` float additions land on one cell: recursive summation bound.
                double tolerance = windows * U * magnitude[i];
                if (!(Math.abs(dx[i] - expected[i]) <= tolerance)) {
                    fail("inputGrad[" + i + "] = " + dx[i] + ", expected " + expected[i] + " for " + s);
                }
            }
        }
    }

    @Test
    void gradient_matches_finite_differences_in_double() {
        SplittableRandom random = new SplittableRandom(7);
        int checked = 0;
        for (Pool2dShape s : PoolCases.randomShapes(8, 60)) {
            // Two forward passes per input element: the cost grows as the square of the size.
            if (s.inputLength() > 400) {
                continue;
            }
            checked++;
            // Distinct values 0.01 apart and h = 1e-3: no perturbation changes an argmax, so the
            // central difference of the piecewise-linear loss is exact up to double rounding.
            float[] x = PoolCases.distinct(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            float[] dx = new float[s.inputLength()];
            MaxPool2d.backward(s, x, dy, dx);
            double[] xd = TestArrays.toDouble(x);
            double h = 1e-3;
            for (int i = 0; i < xd.length; i++) {
                double saved = xd[i];
                xd[i] = saved + h;
                double plus = dot(dy, PoolCases.maxForward(s, xd));
                xd[i] = saved - h;
                double minus = dot(dy, PoolCases.maxForward(s, xd));
                xd[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                // Up to windowHeight*windowWidth float additions of |dy| <= 1 in the analytic value.
                double tolerance = s.windowHeight() * s.windowWidth() * s.windowHeight() * s.windowWidth() * U + 1e-9;
                assertEquals(numeric, dx[i], tolerance, "d loss / d input[" + i + "] for " + s);
            }
        }
        assertTrue(checked >= 20, "only " + checked + " of the random shapes are small enough");
    }

    @Test
    void tensorflow_example_4x4_window_2_stride_2_valid() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        float[] y = new float[4];
        MaxPool2d.forward(new Pool2dShape(1, 4, 4, 1, 2, 2, 2, 2, Padding.VALID), x, y);
        assertArrayEquals(new float[] {6, 8, 14, 16}, y);
    }

    @Test
    void same_padding_3x3_window_2_stride_2_ignores_padded_cells() {
        // All negative: if padding counted as zeros, the edge windows would output 0.
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        float[] y = new float[4];
        MaxPool2d.forward(new Pool2dShape(1, 3, 3, 1, 2, 2, 2, 2, Padding.SAME), x, y);
        assertArrayEquals(new float[] {-1, -3, -7, -9}, y);
    }

    @Test
    void tie_gradient_goes_to_first_maximum_in_row_major_order() {
        Pool2dShape s = new Pool2dShape(1, 2, 2, 1, 2, 2, 2, 2, Padding.VALID);
        float[] dx = new float[4];
        MaxPool2d.backward(s, new float[] {5, 5, 5, 5}, new float[] {1.5f}, dx);
        assertArrayEquals(new float[] {1.5f, 0, 0, 0}, dx);
        // Maximum at (0,1) and (1,0): (0,1) comes first in row-major order.
        MaxPool2d.backward(s, new float[] {1, 7, 7, 2}, new float[] {2f}, dx);
        assertArrayEquals(new float[] {0, 2, 0, 0}, dx);
    }

    @Test
    void tie_lanes_resolve_independently_for_every_channel_count() {
        // Channel c has its maximum (ties included) at window cell c % 4: each lane picks its own cell.
        for (int channels : PoolCases.CHANNELS) {
            Pool2dShape s = new Pool2dShape(1, 2, 2, channels, 2, 2, 2, 2, Padding.VALID);
            float[] x = new float[4 * channels];
            float[] dy = new float[channels];
            for (int c = 0; c < channels; c++) {
                int firstMax = c % 4;
                for (int cell = 0; cell < 4; cell++) {
                    x[cell * channels + c] = cell >= firstMax ? 9 : cell;
                }
                dy[c] = c + 1;
            }
            float[] dx = new float[4 * channels];
            MaxPool2d.backward(s, x, dy, dx);
            for (int c = 0; c < channels; c++) {
                for (int cell = 0; cell < 4; cell++) {
                    float expected = cell == c % 4 ? c + 1 : 0;
                    assertEquals(expected, dx[cell * channels + c], 0f, "channels " + channels + " c " + c + " cell " + cell);
                }
            }
        }
    }

    @Test
    void overlapping_windows_accumulate_gradients() {
        // 1x3 input, window 1x2, stride 1: the middle maximum belongs to both windows.
        float[] dx = new float[3];
        MaxPool2d.backward(new Pool2dShape(1, 1, 3, 1, 1, 2, 1, 1, Padding.VALID),
                new float[] {0, 4, 1}, new float[] {0.25f, 0.5f}, dx);
        assertArrayEquals(new float[] {0, 0.75f, 0}, dx);
    }

    @Test
    void stride_greater_than_window_leaves_skipped_cells_zero() {
        Pool2dShape s = new Pool2dShape(1, 5, 5, 17, 1, 2, 3, 3, Padding.VALID);
        SplittableRandom random = new SplittableRandom(9);
        float[] x = TestArrays.uniform(random, s.inputLength());
        float[] dy = TestArrays.uniform(random, s.outputLength());
        float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
        MaxPool2d.backward(s, x, dy, dx);
        for (int h = 0; h < 5; h++) {
            for (int w = 0; w < 5; w++) {
                boolean inWindow = h % 3 == 0 && w % 3 < 2;
                for (int c = 0; c < 17; c++) {
                    float v = dx[(h * 5 + w) * 17 + c];
                    if (!inWindow) {
                        assertEquals(0f, v, 0f, "cell (" + h + "," + w + ") is in no window");
                    } else {
                        assertTrue(Float.isFinite(v));
                    }
                }
            }
        }
    }

    @Test
    void nan_is_picked_only_as_the_first_real_cell_like_the_scalar_reference() {
        SplittableRandom random = new SplittableRandom(10);
        for (Pool2dShape s : new Pool2dShape[] {
                new Pool2dShape(2, 4, 4, 33, 2, 2, 1, 1, Padding.SAME),
                new Pool2dShape(2, 5, 5, 33, 2, 2, 2, 2, Padding.SAME),
                new Pool2dShape(2, 5, 5, 33, 3, 2, 3, 2, Padding.VALID)}) {
            checkNanWindows(s, random);
        }
    }

    private static void checkNanWindows(Pool2dShape s, SplittableRandom random) {
        float[] x = PoolCases.tieHeavy(random, s.inputLength());
        for (int i = 0; i < x.length; i += 7) {
            x[i] = Float.NaN;
        }
        float[] dy = TestArrays.uniform(random, s.outputLength());
        float[] y = new float[s.outputLength()], yRef = new float[s.outputLength()];
        float[] dx = new float[s.inputLength()], dxRef = new float[s.inputLength()];
        MaxPool2d.forward(s, x, y);
        ScalarMaxPool2d.forward(s, x, yRef);
        MaxPool2d.backward(s, x, dy, dx);
        ScalarMaxPool2d.backward(s, x, dy, dxRef);
        TestArrays.assertBitwise(yRef, y, y.length, "forward " + s);
        TestArrays.assertBitwise(dxRef, dx, dx.length, "backward " + s);
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        // Large enough to be split into chunks: 8 x 16x16 x 32 with 3x3 windows is ~6e5 element visits.
        Pool2dShape[] shapes = {
                new Pool2dShape(8, 16, 16, 32, 3, 3, 1, 1, Padding.SAME),
                new Pool2dShape(8, 16, 16, 35, 2, 2, 2, 2, Padding.VALID),
                new Pool2dShape(8, 17, 17, 32, 2, 3, 3, 3, Padding.SAME)};
        SplittableRandom random = new SplittableRandom(11);
        for (Pool2dShape s : shapes) {
            float[] x = PoolCases.tieHeavy(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            float[] y1 = null, dx1 = null;
            for (int threads : new int[] {1, 2, 7}) {
                KernelThreads.setThreads(threads);
                float[] y = new float[s.outputLength()];
                float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
                MaxPool2d.forward(s, x, y);
                MaxPool2d.backward(s, x, dy, dx);
                if (y1 == null) {
                    y1 = y;
                    dx1 = dx;
                } else {
                    TestArrays.assertBitwise(y1, y, y.length, threads + " threads forward " + s);
                    TestArrays.assertBitwise(dx1, dx, dx.length, threads + " threads backward " + s);
                }
            }
        }
    }

    @Test
    void rejects_null_arguments_by_name() {
        Pool2dShape s = new Pool2dShape(1, 2, 2, 1, 2, 2, 2, 2, Padding.VALID);
        float[] four = new float[4], one = new float[1];
        assertMessage(NullPointerException.class, "shape", () -> MaxPool2d.forward(null, four, one));
        assertMessage(NullPointerException.class, "input", () -> MaxPool2d.forward(s, null, one));
        assertMessage(NullPointerException.class, "output", () -> MaxPool2d.forward(s, four, null));
        assertMessage(NullPointerException.class, "input", () -> MaxPool2d.backward(s, (float[]) null, one, four));
        assertMessage(NullPointerException.class, "outputGrad", () -> MaxPool2d.backward(s, four, null, four));
        assertMessage(NullPointerException.class, "inputGrad", () -> MaxPool2d.backward(s, four, one, null));
    }

    /**
     * Every array passed to a rejected call, the too-short ones included, is left as it was: outputs
     * hold the sentinel, and inputs and gradients hold 1, so a pass made before the checks (which would
     * write maxima of 1, or gradients of 0 and 1) shows.
     */
    @Test
    void rejects_short_arrays_naming_lengths_and_writes_nothing() {
        Pool2dShape s = new Pool2dShape(2, 4, 4, 3, 2, 2, 2, 2, Padding.VALID); // input 96, output 24
        float[] out = TestArrays.filled(24, SENTINEL), shortOut = TestArrays.filled(23, SENTINEL);
        float[] grad = TestArrays.filled(96, SENTINEL), shortGrad = TestArrays.filled(95, SENTINEL);
        float[] input = TestArrays.filled(96, 1f), shortInput = TestArrays.filled(95, 1f);
        float[] tinyInput = TestArrays.filled(10, 1f);
        float[] outGrad = TestArrays.filled(24, 1f), shortOutGrad = TestArrays.filled(3, 1f);
        assertMessage(IllegalArgumentException.class, "input too short: needs 96 elements, got 95",
                () -> MaxPool2d.forward(s, shortInput, out));
        assertMessage(IllegalArgumentException.class, "output too short: needs 24 elements, got 23",
                () -> MaxPool2d.forward(s, input, shortOut));
        assertMessage(IllegalArgumentException.class, "input too short: needs 96 elements, got 10",
                () -> MaxPool2d.backward(s, tinyInput, outGrad, grad));
        assertMessage(IllegalArgumentException.class, "outputGrad too short: needs 24 elements, got 3",
                () -> MaxPool2d.backward(s, input, shortOutGrad, grad));
        assertMessage(IllegalArgumentException.class, "inputGrad too short: needs 96 elements, got 95",
                () -> MaxPool2d.backward(s, input, outGrad, shortGrad));
        TestArrays.assertUntouchedFrom(out, 0, SENTINEL, "output");
        TestArrays.assertUntouchedFrom(shortOut, 0, SENTINEL, "too-short output");
        TestArrays.assertUntouchedFrom(grad, 0, SENTINEL, "inputGrad");
        TestArrays.assertUntouchedFrom(shortGrad, 0, SENTINEL, "too-short inputGrad");
        TestArrays.assertUntouchedFrom(input, 0, 1f, "input");
        TestArrays.assertUntouchedFrom(shortInput, 0, 1f, "too-short input");
        TestArrays.assertUntouchedFrom(tinyInput, 0, 1f, "too-short input of backward");
        TestArrays.assertUntouchedFrom(outGrad, 0, 1f, "outputGrad");
        TestArrays.assertUntouchedFrom(shortOutGrad, 0, 1f, "too-short outputGrad");
    }

    private static double dot(float[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < b.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
