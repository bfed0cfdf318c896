package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Softmax} against a double-precision softmax, its scalar reference, and large logits. */
class SoftmaxTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    /**
     * Error bound of one probability: x - max rounds with relative error u, which exp turns into
     * |x - max| u; exp itself (lane-wise exp is allowed a few ulps: 4u), the float sum of the classes
     * ((classes - 1) u relative, all terms positive) and the final multiply by 1/sum (2u) add up to
     * p * (|x - max| + classes + 6) u.
     */
    private static double tolerance(double p, double shift, int classes) {
        return p * (Math.abs(shift) + classes + 6) * U + Float.MIN_NORMAL;
    }

    @Test
    void matches_double_softmax_for_every_class_count() {
        SplittableRandom random = new SplittableRandom(41);
        for (int classes : SoftmaxCases.CLASSES) {
            for (int batch : new int[] {1, 5}) {
                float[] logits = SoftmaxCases.logits(random, batch * classes, 8);
                float[] probs = TestArrays.filled(batch * classes + 2, -1f);
                Softmax.forward(batch, classes, logits, probs);
                TestArrays.assertUntouchedFrom(probs, batch * classes, -1f, "probs");
                for (int b = 0; b < batch; b++) {
                    double[] expected = SoftmaxCases.softmax(logits, b, classes);
                    float max = ScalarSoftmax.max(logits, b * classes, (b + 1) * classes);
                    for (int j = 0; j < classes; j++) {
                        double tolerance = tolerance(expected[j], logits[b * classes + j] - max, classes);
                        float actual = probs[b * classes + j];
                        if (!(Math.abs(actual - expected[j]) <= tolerance)) {
                            fail("classes " + classes + " row " + b + " class " + j + ": " + actual + " vs " + expected[j]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void agrees_with_scalar_reference() {
        SplittableRandom random = new SplittableRandom(42);
        for (int classes : SoftmaxCases.CLASSES) {
            float[] logits = SoftmaxCases.logits(random, 3 * classes, 8);
            float[] probs = new float[3 * classes], reference = new float[3 * classes];
            Softmax.forward(3, classes, logits, probs);
            for (int b = 0; b < 3; b++) {
                ScalarSoftmax.softmaxRow(classes, logits, b * classes, reference, b * classes);
            }
            for (int i = 0; i < probs.length; i++) {
                // Both within the bound of the double softmax: within twice that of each other.
                double shift = 16; // logits in [-8, 8]
                assertEquals(reference[i], probs[i], 2 * tolerance(reference[i], shift, classes), "classes " + classes);
            }
        }
    }

    @Test
    void exp_is_accurate_to_a_few_ulps_over_the_whole_range_of_shifts() {
        // Each row: logit 0 then shifts down to -80. probs[j] / probs[0] is exp(shift_j) up to the
        // exp error plus three roundings (two multiplies by 1/sum, the division): a 4u exp bound gives 7u.
        int classes = 64, batch = 40;
        SplittableRandom random = new SplittableRandom(45);
        float[] logits = new float[batch * classes];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = i % classes == 0 ? 0f : (float) (-80 * random.nextDouble());
        }
        float[] probs = new float[logits.length];
        Softmax.forward(batch, classes, logits, probs);
        for (int i = 0; i < logits.length; i++) {
            double ratio = (double) probs[i] / probs[i - i % classes];
            double expected = Math.exp(logits[i]);
            assertEquals(expected, ratio, 7 * U * expected, "exp(" + logits[i] + ")");
        }
    }

    @Test
    void non_finite_logits_give_zero_or_nan_like_tensorflow() {
        float[] probs = new float[34];
        float[] logits = new float[34];
        logits[5] = Float.NEGATIVE_INFINITY;
        Softmax.forward(1, 34, logits, probs);
        assertEquals(0f, probs[5], 0f);
        assertEquals(1f / 33, probs[0], 2 * U);
        logits[7] = Float.NaN;
        Softmax.forward(1, 34, logits, probs);
        for (float p : probs) {
            assertTrue(Float.isNaN(p));
        }
    }

    /**
     * A class's probability depends on its logit, not on where in the row it sits: a vector body and a
     * tail must use the same exp. Every class count from 1 to 70 places the two equal logits in the first
     * and last position (body and tail for most counts at every vector width); -100 and -80 below the
     * maximum bracket the subnormal range of exp, -3 is an ordinary value.
     */
    @Test
    void equal_logits_get_equal_probabilities_wherever_they_sit() {
        for (float low : new float[] {-100f, -80f, -3f}) {
            for (int classes = 2; classes <= 70; classes++) {
                float[] logits = new float[classes];
                for (int j = 1; j < classes - 1; j++) {
                    logits[j] = -(j % 7); // maximum 0, varied ordinary values between
                }
                logits[0] = low;
                logits[classes - 1] = low;
                float[] probs = new float[classes];
                Softmax.forward(1, classes, logits, probs);
                assertEquals(Float.floatToIntBits(probs[0]), Float.floatToIntBits(probs[classes - 1]),
                        "logit " + low + ", classes " + classes + ": " + probs[0] + " first, " + probs[classes - 1] + " last");
            }
        }
    }

    @Test
    void large_logits_are_stable() {
        float[] logits = {1e4f, 1e4f - 1, 0f, -1e4f};
        float[] probs = new float[4];
        Softmax.forward(1, 4, logits, probs);
        double e = Math.exp(-1);
        assertEquals(1 / (1 + e), probs[0], 4 * U);
        assertEquals(e / (1 + e), probs[1], 4 * U);
        assertEquals(0f, probs[2], 0f);
        assertEquals(0f, probs[3], 0f);
    }

    @Test
    void in_place() {
        SplittableRandom random = new SplittableRandom(43);
        float[] logits = SoftmaxCases.logits(random, 2 * 17, 3);
        float[] expected = new float[logits.length];
        Softmax.forward(2, 17, logits, expected);
        Softmax.forward(2, 17, logits, logits);
        TestArrays.assertBitwise(expected, logits, logits.length, "in-place softmax");
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int batch = 300, classes = 257;
        float[] logits = SoftmaxCases.logits(new SplittableRandom(44), batch * classes, 5);
        TestArrays.assertSameForThreadCounts(batch * classes, () -> {
            float[] probs = new float[batch * classes];
            Softmax.forward(batch, classes, logits, probs);
            return probs;
        });
    }

    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] probs = TestArrays.filled(6, -1f);
        assertMessage(IllegalArgumentException.class, "batch must be > 0, got 0", () -> Softmax.forward(0, 3, new float[6], probs));
        assertMessage(IllegalArgumentException.class, "classes must be > 0, got -2", () -> Softmax.forward(2, -2, new float[6], probs));
        assertMessage(IllegalArgumentException.class, "logits too short: needs 6 elements, got 5", () -> Softmax.forward(2, 3, new float[5], probs));
        assertMessage(IllegalArgumentException.class, "probs too short: needs 6 elements, got 5",
                () -> Softmax.forward(2, 3, new float[6], new float[5]));
        assertMessage(NullPointerException.class, "logits", () -> Softmax.forward(2, 3, null, probs));
        assertMessage(NullPointerException.class, "probs", () -> Softmax.forward(2, 3, new float[6], null));
        TestArrays.assertUntouchedFrom(probs, 0, -1f, "probs");
    }
}
