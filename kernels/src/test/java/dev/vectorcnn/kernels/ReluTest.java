package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Relu} against its scalar reference, finite differences and its edge values. */
class ReluTest {

    /** Lengths below, at and above every vector length, and past one parallel chunk. */
    private static final int[] LENGTHS = {0, 1, 3, 15, 16, 17, 33, 64, 1000};

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    private static float[] withSpecialValues(SplittableRandom random, int n) {
        float[] x = TestArrays.uniform(random, n);
        float[] specials = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (int i = 0; i < n; i += 5) {
            x[i] = specials[random.nextInt(specials.length)];
        }
        return x;
    }

    @Test
    void vector_path_matches_scalar_reference_bitwise_for_every_length() {
        SplittableRandom random = new SplittableRandom(31);
        for (int n : LENGTHS) {
            float[] x = withSpecialValues(random, n);
            float[] dy = TestArrays.uniform(random, n);
            float[] y = TestArrays.filled(n + 2, 7f), yRef = new float[n];
            Relu.forward(x, y, n);
            ScalarRelu.forward(x, yRef, 0, n);
            TestArrays.assertBitwise(yRef, y, n, "forward n=" + n);
            TestArrays.assertUntouchedFrom(y, n, 7f, "forward n=" + n);
            float[] dx = TestArrays.filled(n + 2, 7f), dxRef = new float[n];
            Relu.backward(yRef, dy, dx, n);
            ScalarRelu.backward(yRef, dy, dxRef, 0, n);
            TestArrays.assertBitwise(dxRef, dx, n, "backward n=" + n);
            TestArrays.assertUntouchedFrom(dx, n, 7f, "backward n=" + n);
        }
    }

    @Test
    void edge_values_follow_tf_nn_relu() {
        float[] x = {-2f, -0f, 0f, 3f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] y = new float[x.length];
        Relu.forward(x, y, x.length);
        float[] expected = {0f, 0f, 0f, 3f, Float.NaN, 0f, Float.POSITIVE_INFINITY};
        TestArrays.assertBitwise(expected, y, x.length, "relu");
        // The gradient at exactly 0 is 0 (TensorFlow's ReluGrad tests features > 0).
        float[] dx = new float[x.length];
        Relu.backward(y, TestArrays.filled(x.length, 5f), dx, x.length);
        TestArrays.assertBitwise(new float[] {0, 0, 0, 5, 0, 0, 5}, dx, x.length, "relu grad");
    }

    /**
     * TensorFlow's ReluGrad is {@code gradients * (features > 0).cast<T>()}, a product: at a dead unit
     * (output 0, -0 or NaN) a NaN or infinite gradient gives NaN and a negative one gives -0.0, where a
     * select would give +0.0. The pattern repeats past every vector length, so both the vector body and
     * the scalar tail see every case.
     */
    @Test
    void gradient_at_dead_units_is_the_product_tf_relu_grad_computes() {
        float[] deadY = {0f, 0f, 0f, 0f, 0f, -0f, Float.NaN, 0f};
        float[] deadDy = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -3f, -0f, -2f, -1f, 4f};
        float[] deadDx = {Float.NaN, Float.NaN, Float.NaN, -0f, -0f, -0f, -0f, 0f};
        float[] liveDy = {Float.NaN, Float.NEGATIVE_INFINITY, -0f, -3f};
        for (int n : LENGTHS) {
            float[] y = new float[n], dy = new float[n], expected = new float[n];
            for (int i = 0; i < n; i++) {
                int c = i % (deadY.length + liveDy.length);
                if (c < deadY.length) {
                    y[i] = deadY[c];
                    dy[i] = deadDy[c];
                    expected[i] = deadDx[c];
                } else {
                    y[i] = 2f; // a live unit passes dy through, NaN and -0.0 included
                    dy[i] = liveDy[c - deadY.length];
                    expected[i] = dy[i];
                }
            }
            float[] dx = TestArrays.filled(n + 2, 7f), dxRef = new float[n];
            Relu.backward(y, dy, dx, n);
            ScalarRelu.backward(y, dy, dxRef, 0, n);
            TestArrays.assertBitwise(expected, dx, n, "Relu.backward n=" + n);
            TestArrays.assertBitwise(expected, dxRef, n, "ScalarRelu.backward n=" + n);
            TestArrays.assertUntouchedFrom(dx, n, 7f, "Relu.backward n=" + n);
            // In place, as the dense and convolution layers call it.
            Relu.backward(y, dy, dy, n);
            TestArrays.assertBitwise(expected, dy, n, "in-place Relu.backward n=" + n);
        }
    }

    @Test
    void gradient_matches_finite_differences_in_double() {
        SplittableRandom random = new SplittableRandom(32);
        int n = 37;
        float[] x = TestArrays.uniform(random, n);
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[i]) < 0.01f) {
                x[i] = 0.5f; // keep the kink at 0 farther than h from every point
            }
        }
        float[] dy = TestArrays.uniform(random, n);
        float[] y = new float[n], dx = new float[n];
        Relu.forward(x, y, n);
        Relu.backward(y, dy, dx, n);
        double h = 1e-3;
        for (int i = 0; i < n; i++) {
            // loss = sum_j dy_j * relu(x_j); only term i moves.
            double numeric = dy[i] * (Math.max(x[i] + h, 0) - Math.max(x[i] - h, 0)) / (2 * h);
            // Piecewise linear away from the kink: exact up to double rounding of x +- h.
            assertEquals(numeric, dx[i], 1e-12, "d loss / d x[" + i + "]");
        }
    }

    @Test
    void in_place_forward_and_backward() {
        SplittableRandom random = new SplittableRandom(33);
        float[] x = TestArrays.uniform(random, 50);
        float[] expected = new float[50];
        ScalarRelu.forward(x, expected, 0, 50);
        Relu.forward(x, x, 50);
        TestArrays.assertBitwise(expected, x, 50, "in-place forward");
        float[] dy = TestArrays.uniform(random, 50);
        float[] expectedGrad = new float[50];
        ScalarRelu.backward(x, dy, expectedGrad, 0, 50);
        Relu.backward(x, dy, dy, 50);
        TestArrays.assertBitwise(expectedGrad, dy, 50, "in-place backward");
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int n = (1 << 18) + 5;
        SplittableRandom random = new SplittableRandom(34);
        float[] x = TestArrays.uniform(random, n), dy = TestArrays.uniform(random, n);
        float[] y1 = null, dx1 = null;
        for (int threads : new int[] {1, 2, 7}) {
            KernelThreads.setThreads(threads);
            float[] y = new float[n], dx = new float[n];
            Relu.forward(x, y, n);
            Relu.backward(y, dy, dx, n);
            if (y1 == null) {
                y1 = y;
                dx1 = dx;
            } else {
                TestArrays.assertBitwise(y1, y, n, threads + " threads forward");
                TestArrays.assertBitwise(dx1, dx, n, threads + " threads backward");
            }
        }
    }

    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] out = TestArrays.filled(4, 7f);
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -1", () -> Relu.forward(new float[4], out, -1));
        assertMessage(IllegalArgumentException.class, "x too short: needs 5 elements, got 4", () -> Relu.forward(new float[4], out, 5));
        assertMessage(IllegalArgumentException.class, "y too short: needs 5 elements, got 4", () -> Relu.forward(new float[5], out, 5));
        assertMessage(NullPointerException.class, "x", () -> Relu.forward(null, out, 1));
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -3", () -> Relu.backward(new float[4], new float[4], out, -3));
        assertMessage(IllegalArgumentException.class, "y too short: needs 5 elements, got 4",
                () -> Relu.backward(new float[4], new float[5], new float[5], 5));
        assertMessage(IllegalArgumentException.class, "dy too short: needs 5 elements, got 4",
                () -> Relu.backward(new float[5], new float[4], new float[5], 5));
        assertMessage(IllegalArgumentException.class, "dx too short: needs 5 elements, got 4",
                () -> Relu.backward(new float[5], new float[5], out, 5));
        assertMessage(NullPointerException.class, "dy", () -> Relu.backward(new float[4], null, out, 1));
        TestArrays.assertUntouchedFrom(out, 0, 7f, "output");
    }
}
