package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static dev.vectorcnn.kernels.TestArrays.U;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AvgPool2d} against its scalar reference (bitwise), a double-precision reference over padded
 * windows, finite differences, and TensorFlow's rule of dividing by the real cells only.
 */
class AvgPool2dTest {

    private static final float SENTINEL = -12345f;

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void vector_path_matches_scalar_reference_bitwise_over_random_shapes() {
        SplittableRandom random = new SplittableRandom(21);
        int checked = 0;
        for (Pool2dShape s : PoolCases.randomShapes(22, 280)) {
            float[] x = TestArrays.uniform(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            float[] y = TestArrays.filled(s.outputLength() + 3, SENTINEL);
            float[] yRef = new float[s.outputLength()];
            float[] dx = TestArrays.filled(s.inputLength() + 3, Float.NaN);
            float[] dxRef = new float[s.inputLength()];
            AvgPool2d.forward(s, x, y);
            ScalarAvgPool2d.forward(s, x, yRef);
            AvgPool2d.backward(s, dy, dx);
            ScalarAvgPool2d.backward(s, dy, dxRef);
            TestArrays.assertBitwise(yRef, y, s.outputLength(), "forward " + s);
            TestArrays.assertBitwise(dxRef, dx, s.inputLength(), "backward " + s);
            TestArrays.assertUntouchedFrom(y, s.outputLength(), SENTINEL, "forward " + s);
            TestArrays.assertUntouchedFrom(dx, s.inputLength(), Float.NaN, "backward " + s);
            checked++;
        }
        assertEquals(280, checked);
    }

    @Test
    void forward_matches_double_reference_within_summation_bound() {
        SplittableRandom random = new SplittableRandom(23);
        for (Pool2dShape s : PoolCases.randomShapes(24, 140)) {
            float[] x = TestArrays.uniform(random, s.inputLength());
            float[] y = new float[s.outputLength()];
            AvgPool2d.forward(s, x, y);
            double[] xd = TestArrays.toDouble(x);
            double[] expected = PoolCases.avgForward(s, xd);
            double[] magnitude = PoolCases.avgForward(s, abs(xd));
            int window = s.windowHeight() * s.windowWidth();
            for (int i = 0; i < y.length; i++) {
                // n-term float sum (n <= window): error <= (n-1)u * sum|x| = (n-1)u * n * mean|x|;
                // the division by n then adds u * |result|.
                double tolerance = (window - 1) * U * magnitude[i] * window + U * Math.abs(expected[i]);
                if (!(Math.abs(y[i] - expected[i]) <= tolerance)) {
                    fail("output[" + i + "] = " + y[i] + ", expected " + expected[i] + " for " + s);
                }
            }
        }
    }

    @Test
    void gradient_matches_finite_differences_in_double() {
        SplittableRandom random = new SplittableRandom(25);
        int checked = 0;
        for (Pool2dShape s : PoolCases.randomShapes(26, 60)) {
            // Two forward passes per input element: the cost grows as the square of the size.
            if (s.inputLength() > 400) {
                continue;
            }
            checked++;
            float[] x = TestArrays.uniform(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            float[] dx = new float[s.inputLength()];
            AvgPool2d.backward(s, dy, dx);
            double[] xd = TestArrays.toDouble(x);
            double h = 1e-3;
            int window = s.windowHeight() * s.windowWidth();
            for (int i = 0; i < xd.length; i++) {
                double saved = xd[i];
                xd[i] = saved + h;
                double plus = dot(dy, PoolCases.avgForward(s, xd));
                xd[i] = saved - h;
                double minus = dot(dy, PoolCases.avgForward(s, xd));
                xd[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                // The loss is linear, so the central difference is exact up to double rounding (~1e-12);
                // the analytic value sums up to `window` shares |dy|/count <= 1, each rounded (3u).
                double tolerance = window * 3 * U + 1e-9;
                assertEquals(numeric, dx[i], tolerance, "d loss / d input[" + i + "] for " + s);
            }
        }
        assertTrue(checked >= 20, "only " + checked + " of the random shapes are small enough");
    }

    @Test
    void same_padding_3x3_window_2_stride_2_divides_by_real_cells() {
        // TensorFlow: avg_pool2d(1..9 as 1x3x3x1, ksize 2, strides 2, SAME) = [[3, 4.5], [7.5, 9]].
        float[] y = new float[4];
        Pool2dShape s = new Pool2dShape(1, 3, 3, 1, 2, 2, 2, 2, Padding.SAME);
        AvgPool2d.forward(s, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, y);
        assertArrayEquals(new float[] {3, 4.5f, 7.5f, 9}, y);
        // Backward: each window's gradient split over its real cells (4, 2, 2 and 1 of them).
        float[] dx = new float[9];
        AvgPool2d.backward(s, new float[] {1, 1, 1, 1}, dx);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 1}, dx);
    }

    @Test
    void overlapping_windows_accumulate_shares() {
        // 1x3 input, window 1x2, stride 1: the middle cell is in both windows.
        float[] dx = new float[3];
        AvgPool2d.backward(new Pool2dShape(1, 1, 3, 1, 1, 2, 1, 1, Padding.VALID), new float[] {1, 2}, dx);
        assertArrayEquals(new float[] {0.5f, 1.5f, 1}, dx);
    }

    @Test
    void stride_greater_than_window_leaves_skipped_cells_zero() {
        Pool2dShape s = new Pool2dShape(2, 5, 4, 16, 2, 1, 3, 2, Padding.VALID);
        float[] dy = TestArrays.filled(s.outputLength(), 1f);
        float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
        AvgPool2d.backward(s, dy, dx);
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 5; h++) {
                for (int w = 0; w < 4; w++) {
                    // Windows cover rows {0,1} and {3,4}, columns 0 and 2; row 2 and columns 1, 3 are skipped.
                    float expected = h % 3 < 2 && w % 2 == 0 ? 0.5f : 0f;
                    for (int c = 0; c < 16; c++) {
                        assertEquals(expected, dx[((b * 5 + h) * 4 + w) * 16 + c], 0f, "cell " + b + "," + h + "," + w);
                    }
                }
            }
        }
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        Pool2dShape[] shapes = {
                new Pool2dShape(8, 16, 16, 32, 3, 3, 1, 1, Padding.SAME),
                new Pool2dShape(8, 16, 16, 35, 2, 2, 2, 2, Padding.VALID),
                new Pool2dShape(8, 17, 17, 32, 2, 3, 3, 3, Padding.SAME)};
        SplittableRandom random = new SplittableRandom(27);
        for (Pool2dShape s : shapes) {
            float[] x = TestArrays.uniform(random, s.inputLength());
            float[] dy = TestArrays.uniform(random, s.outputLength());
            float[] y1 = null, dx1 = null;
            for (int threads : new int[] {1, 2, 7}) {
                KernelThreads.setThreads(threads);
                float[] y = new float[s.outputLength()];
                float[] dx = TestArrays.filled(s.inputLength(), Float.NaN);
                AvgPool2d.forward(s, x, y);
                AvgPool2d.backward(s, dy, dx);
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

    /**
     * Every array passed to a rejected call, the too-short ones included, is left as it was: outputs
     * hold the sentinel, and inputs and gradients hold 1, so a pass made before the checks (which would
     * write averages of 1, or gradient shares of 1/4) shows.
     */
    @Test
    void rejects_bad_arguments_by_name_and_writes_nothing() {
        Pool2dShape s = new Pool2dShape(2, 4, 4, 3, 2, 2, 2, 2, Padding.VALID); // input 96, output 24
        float[] out = TestArrays.filled(24, SENTINEL), shortOut = TestArrays.filled(23, SENTINEL);
        float[] grad = TestArrays.filled(96, SENTINEL), shortGrad = TestArrays.filled(95, SENTINEL);
        float[] input = TestArrays.filled(96, 1f), shortInput = TestArrays.filled(95, 1f);
        float[] outGrad = TestArrays.filled(24, 1f), shortOutGrad = TestArrays.filled(3, 1f);
        assertMessage(NullPointerException.class, "shape", () -> AvgPool2d.forward(null, input, out));
        assertMessage(NullPointerException.class, "input", () -> AvgPool2d.forward(s, null, out));
        assertMessage(NullPointerException.class, "output", () -> AvgPool2d.forward(s, input, null));
        assertMessage(NullPointerException.class, "outputGrad", () -> AvgPool2d.backward(s, null, grad));
        assertMessage(NullPointerException.class, "inputGrad", () -> AvgPool2d.backward(s, outGrad, null));
        assertMessage(IllegalArgumentException.class, "input too short: needs 96 elements, got 95",
                () -> AvgPool2d.forward(s, shortInput, out));
        assertMessage(IllegalArgumentException.class, "output too short: needs 24 elements, got 23",
                () -> AvgPool2d.forward(s, input, shortOut));
        assertMessage(IllegalArgumentException.class, "outputGrad too short: needs 24 elements, got 3",
                () -> AvgPool2d.backward(s, shortOutGrad, grad));
        assertMessage(IllegalArgumentException.class, "inputGrad too short: needs 96 elements, got 95",
                () -> AvgPool2d.backward(s, outGrad, shortGrad));
        TestArrays.assertUntouchedFrom(out, 0, SENTINEL, "output");
        TestArrays.assertUntouchedFrom(shortOut, 0, SENTINEL, "too-short output");
        TestArrays.assertUntouchedFrom(grad, 0, SENTINEL, "inputGrad");
        TestArrays.assertUntouchedFrom(shortGrad, 0, SENTINEL, "too-short inputGrad");
        TestArrays.assertUntouchedFrom(input, 0, 1f, "input");
        TestArrays.assertUntouchedFrom(shortInput, 0, 1f, "too-short input");
        TestArrays.assertUntouchedFrom(outGrad, 0, 1f, "outputGrad");
        TestArrays.assertUntouchedFrom(shortOutGrad, 0, 1f, "too-short outputGrad");
    }

    private static double[] abs(double[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.abs(values[i]);
        }
        return result;
    }

    private static double dot(float[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < b.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
