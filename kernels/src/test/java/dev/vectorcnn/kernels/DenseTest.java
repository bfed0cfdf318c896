package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Dense} against double-precision products, finite differences of the double layer, a plain
 * float column sum for the bias gradient (bitwise), and thread-count determinism.
 */
class DenseTest {

    /** Feature counts below, at and above the vector lengths and GEMM tile widths. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 3, 10}, {4, 17, 15}, {7, 16, 33}, {13, 33, 64}, {30, 100, 17}, {2, 64, 65}};

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    /** K-term float dot products: error <= K u sum|a_i b_i| (+ the bias add, one more u). */
    private static void assertClose(double expected, double magnitude, int k, float actual, String what) {
        double tolerance = (k + 1) * U * magnitude + Float.MIN_NORMAL;
        if (!(Math.abs(actual - expected) <= tolerance)) {
            fail(what + " = " + actual + ", expected " + expected + " (tolerance " + tolerance + ")");
        }
    }

    @Test
    void forward_matches_double_product_with_and_without_bias_and_relu() {
        SplittableRandom random = new SplittableRandom(71);
        for (int[] shape : SHAPES) {
            int batch = shape[0], in = shape[1], out = shape[2];
            float[] x = TestArrays.uniform(random, batch * in);
            float[] w = TestArrays.uniform(random, in * out);
            float[] bias = TestArrays.uniform(random, out);
            for (boolean withBias : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    float[] y = TestArrays.filled(batch * out + 2, Float.NaN);
                    Dense.forward(batch, in, out, x, w, withBias ? bias : null, relu, y);
                    TestArrays.assertUntouchedFrom(y, batch * out, Float.NaN, "output");
                    for (int b = 0; b < batch; b++) {
                        for (int j = 0; j < out; j++) {
                            double sum = withBias ? bias[j] : 0, magnitude = withBias ? Math.abs(bias[j]) : 0;
                            for (int i = 0; i < in; i++) {
                                sum += (double) x[b * in + i] * w[i * out + j];
                                magnitude += Math.abs((double) x[b * in + i] * w[i * out + j]);
                            }
                            double expected = relu ? Math.max(sum, 0) : sum;
                            assertClose(expected, magnitude, in, y[b * out + j],
                                    "y[" + b + "," + j + "] " + batch + "x" + in + "x" + out + " bias=" + withBias + " relu=" + relu);
                        }
                    }
                }
            }
        }
    }

    @Test
    void backward_matches_double_products() {
        SplittableRandom random = new SplittableRandom(72);
        for (int[] shape : SHAPES) {
            int batch = shape[0], in = shape[1], out = shape[2];
            float[] x = TestArrays.uniform(random, batch * in);
            float[] w = TestArrays.uniform(random, in * out);
            float[] dy = TestArrays.uniform(random, batch * out);
            float[] dx = TestArrays.filled(batch * in, Float.NaN);
            float[] dw = TestArrays.filled(in * out, Float.NaN);
            float[] db = TestArrays.filled(out, Float.NaN);
            Dense.backward(batch, in, out, x, w, dy, dx, dw, db);
            String name = batch + "x" + in + "x" + out;
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < out; j++) {
                    double sum = 0, magnitude = 0;
                    for (int b = 0; b < batch; b++) {
                        sum += (double) x[b * in + i] * dy[b * out + j];
                        magnitude += Math.abs((double) x[b * in + i] * dy[b * out + j]);
                    }
                    assertClose(sum, magnitude, batch, dw[i * out + j], "weightGrad[" + i + "," + j + "] " + name);
                }
            }
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < in; i++) {
                    double sum = 0, magnitude = 0;
                    for (int j = 0; j < out; j++) {
                        sum += (double) dy[b * out + j] * w[i * out + j];
                        magnitude += Math.abs((double) dy[b * out + j] * w[i * out + j]);
                    }
                    assertClose(sum, magnitude, out, dx[b * in + i], "inputGrad[" + b + "," + i + "] " + name);
                }
            }
            for (int j = 0; j < out; j++) {
                // The bias gradient is summed down the column from 0 in row order: that float loop exactly.
                float sum = 0f;
                for (int b = 0; b < batch; b++) {
                    sum += dy[b * out + j];
                }
                assertEquals(Float.floatToIntBits(sum), Float.floatToIntBits(db[j]), "biasGrad[" + j + "] " + name);
            }
        }
    }

    @Test
    void gradients_match_finite_differences_in_double() {
        SplittableRandom random = new SplittableRandom(73);
        int batch = 3, in = 5, out = 17;
        float[] x = TestArrays.uniform(random, batch * in);
        float[] w = TestArrays.uniform(random, in * out);
        float[] bias = TestArrays.uniform(random, out);
        float[] dy = TestArrays.uniform(random, batch * out);
        float[] dx = new float[batch * in], dw = new float[in * out], db = new float[out];
        Dense.backward(batch, in, out, x, w, dy, dx, dw, db);
        double[] xd = TestArrays.toDouble(x), wd = TestArrays.toDouble(w), bd = TestArrays.toDouble(bias);
        // loss = sum dy * (x W + b) is linear in each argument: central differences are exact up to
        // double rounding (1e-16 / h); the float gradients carry at most max(batch, out) + 1 roundings.
        double h = 1e-3;
        double tolerance = (out + 1) * U * out + 1e-12;
        checkDifferences("input", xd, dx, h, tolerance, () -> loss(batch, in, out, xd, wd, bd, dy));
        checkDifferences("weights", wd, dw, h, tolerance, () -> loss(batch, in, out, xd, wd, bd, dy));
        checkDifferences("bias", bd, db, h, tolerance, () -> loss(batch, in, out, xd, wd, bd, dy));
    }

    private static void checkDifferences(String name, double[] values, float[] analytic, double h, double tolerance,
                                         java.util.function.DoubleSupplier loss) {
        for (int i = 0; i < values.length; i++) {
            double saved = values[i];
            values[i] = saved + h;
            double plus = loss.getAsDouble();
            values[i] = saved - h;
            double minus = loss.getAsDouble();
            values[i] = saved;
            assertEquals((plus - minus) / (2 * h), analytic[i], tolerance, "d loss / d " + name + "[" + i + "]");
        }
    }

    private static double loss(int batch, int in, int out, double[] x, double[] w, double[] bias, float[] dy) {
        double loss = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < out; j++) {
                double y = bias[j];
                for (int i = 0; i < in; i++) {
                    y += x[b * in + i] * w[i * out + j];
                }
                loss += dy[b * out + j] * y;
            }
        }
        return loss;
    }

    @Test
    void null_input_and_bias_gradients_are_skipped() {
        SplittableRandom random = new SplittableRandom(74);
        float[] x = TestArrays.uniform(random, 6), w = TestArrays.uniform(random, 12), dy = TestArrays.uniform(random, 8);
        float[] dw = new float[12], dwWithAll = new float[12];
        Dense.backward(2, 3, 4, x, w, dy, null, dw, null);
        Dense.backward(2, 3, 4, x, w, dy, new float[6], dwWithAll, new float[4]);
        TestArrays.assertBitwise(dwWithAll, dw, 12, "weightGrad");
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int batch = 256, in = 32, out = 600; // bias gradient: 1.5e5 additions, split over chunks
        SplittableRandom random = new SplittableRandom(75);
        float[] x = TestArrays.uniform(random, batch * in), w = TestArrays.uniform(random, in * out);
        float[] bias = TestArrays.uniform(random, out), dy = TestArrays.uniform(random, batch * out);
        float[][] first = null;
        for (int threads : new int[] {1, 2, 7}) {
            KernelThreads.setThreads(threads);
            float[] y = new float[batch * out], dx = new float[batch * in], dw = new float[in * out], db = new float[out];
            Dense.forward(batch, in, out, x, w, bias, true, y);
            Dense.backward(batch, in, out, x, w, dy, dx, dw, db);
            float[][] results = {y, dx, dw, db};
            if (first == null) {
                first = results;
            } else {
                for (int r = 0; r < results.length; r++) {
                    TestArrays.assertBitwise(first[r], results[r], results[r].length, threads + " threads, result " + r);
                }
            }
        }
    }

    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] y = TestArrays.filled(8, -7f);
        float[] dw = TestArrays.filled(12, -7f);
        float[] x = new float[6], w = new float[12], dy = new float[8];
        assertMessage(IllegalArgumentException.class, "batch must be > 0, got 0", () -> Dense.forward(0, 3, 4, x, w, null, false, y));
        assertMessage(IllegalArgumentException.class, "inFeatures must be > 0, got -1", () -> Dense.forward(2, -1, 4, x, w, null, false, y));
        assertMessage(IllegalArgumentException.class, "outFeatures must be > 0, got 0", () -> Dense.forward(2, 3, 0, x, w, null, false, y));
        assertMessage(IllegalArgumentException.class, "input too short: needs 6 elements, got 5",
                () -> Dense.forward(2, 3, 4, new float[5], w, null, false, y));
        assertMessage(IllegalArgumentException.class, "weights too short: needs 12 elements, got 11",
                () -> Dense.forward(2, 3, 4, x, new float[11], null, false, y));
        assertMessage(IllegalArgumentException.class, "bias too short: needs 4 elements, got 3",
                () -> Dense.forward(2, 3, 4, x, w, new float[3], false, y));
        assertMessage(IllegalArgumentException.class, "output too short: needs 8 elements, got 7",
                () -> Dense.forward(2, 3, 4, x, w, null, false, TestArrays.filled(7, -7f)));
        assertMessage(NullPointerException.class, "weights", () -> Dense.forward(2, 3, 4, x, null, null, false, y));
        assertMessage(IllegalArgumentException.class, "outputGrad too short: needs 8 elements, got 7",
                () -> Dense.backward(2, 3, 4, x, w, new float[7], null, dw, null));
        assertMessage(IllegalArgumentException.class, "inputGrad too short: needs 6 elements, got 5",
                () -> Dense.backward(2, 3, 4, x, w, dy, new float[5], dw, null));
        assertMessage(IllegalArgumentException.class, "weightGrad too short: needs 12 elements, got 11",
                () -> Dense.backward(2, 3, 4, x, w, dy, null, TestArrays.filled(11, -7f), null));
        assertMessage(IllegalArgumentException.class, "biasGrad too short: needs 4 elements, got 3",
                () -> Dense.backward(2, 3, 4, x, w, dy, null, dw, new float[3]));
        assertMessage(NullPointerException.class, "weightGrad", () -> Dense.backward(2, 3, 4, x, w, dy, null, null, null));
        assertMessage(NullPointerException.class, "input", () -> Dense.backward(2, 3, 4, null, w, dy, null, dw, null));
        TestArrays.assertUntouchedFrom(y, 0, -7f, "output");
        TestArrays.assertUntouchedFrom(dw, 0, -7f, "weightGrad");
    }
}
