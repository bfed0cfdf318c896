package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxCrossEntropy} against double-precision log-sum-exp, finite differences of the double
 * loss, TensorFlow's numbers, large logits, label checks and thread-count determinism.
 */
class SoftmaxCrossEntropyTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void loss_and_gradient_match_double_reference_for_every_class_count() {
        SplittableRandom random = new SplittableRandom(51);
        for (int classes : SoftmaxCases.CLASSES) {
            for (int batch : new int[] {1, 7, 130}) {
                float[] logits = SoftmaxCases.logits(random, batch * classes, 8);
                int[] labels = SoftmaxCases.labels(random, batch, classes);
                float[] grad = TestArrays.filled(batch * classes + 1, -7f);
                float loss = SoftmaxCrossEntropy.forwardBackward(batch, classes, logits, labels, grad);
                TestArrays.assertUntouchedFrom(grad, batch * classes, -7f, "logitsGrad");
                double expected = SoftmaxCases.meanLoss(TestArrays.toDouble(logits), batch, classes, labels);
                // Per row: log of a sum carrying (classes + 6) u relative error (see SoftmaxTest) is off by
                // that much absolutely; |x_label - max| <= 16 rounds once more; the mean rounds once.
                double lossTolerance = (classes + 6) * U + 16 * U + Math.abs(expected) * 2 * U;
                assertEquals(expected, loss, lossTolerance, "loss classes " + classes + " batch " + batch);
                for (int b = 0; b < batch; b++) {
                    double[] p = SoftmaxCases.softmax(logits, b, classes);
                    for (int j = 0; j < classes; j++) {
                        double want = (p[j] - (j == labels[b] ? 1 : 0)) / batch;
                        // Probability bound (|x - max| <= 16) plus the subtraction and scaling (2u of 1).
                        double tolerance = (p[j] * (16 + classes + 6) * U + 2 * U) / batch + Float.MIN_NORMAL;
                        float got = grad[b * classes + j];
                        if (!(Math.abs(got - want) <= tolerance)) {
                            fail("grad[" + b + "," + j + "] = " + got + ", expected " + want + " classes " + classes);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradient_matches_finite_differences_in_double() {
        SplittableRandom random = new SplittableRandom(52);
        for (int classes : new int[] {1, 10, 17}) {
            int batch = 3;
            float[] logits = SoftmaxCases.logits(random, batch * classes, 3);
            int[] labels = SoftmaxCases.labels(random, batch, classes);
            float[] grad = new float[batch * classes];
            SoftmaxCrossEntropy.forwardBackward(batch, classes, logits, labels, grad);
            double[] x = TestArrays.toDouble(logits);
            double h = 1e-4;
            for (int i = 0; i < x.length; i++) {
                double saved = x[i];
                x[i] = saved + h;
                double plus = SoftmaxCases.meanLoss(x, batch, classes, labels);
                x[i] = saved - h;
                double minus = SoftmaxCases.meanLoss(x, batch, classes, labels);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                // Central difference: truncation h^2/6 * |f'''| (<= 1 for softmax CE) and rounding
                // 1e-16 / h; the float gradient is within (classes + 24) u / batch.
                double tolerance = h * h / 6 + 1e-16 / h + (classes + 24) * U / batch;
                assertEquals(numeric, grad[i], tolerance, "d loss / d logits[" + i + "] classes " + classes);
            }
        }
    }

    @Test
    void tensorflow_example_logits_2_1_point1() {
        // tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0], logits=[[2.0, 1.0, 0.1]]) = 0.41702995
        float loss = SoftmaxCrossEntropy.forwardBackward(1, 3, new float[] {2f, 1f, 0.1f}, new int[] {0}, null);
        assertEquals(0.41702995f, loss, 4 * U);
    }

    /**
     * As SoftmaxTest's test of the same name, for the gradient: two classes with equal logits, first and
     * last in the row (the label between them), get bitwise equal gradients at every class count.
     */
    @Test
    void equal_logits_get_equal_gradients_wherever_they_sit() {
        for (float low : new float[] {-100f, -80f, -3f}) {
            for (int classes = 3; classes <= 70; classes++) {
                float[] logits = new float[classes];
                for (int j = 1; j < classes - 1; j++) {
                    logits[j] = -(j % 7);
                }
                logits[0] = low;
                logits[classes - 1] = low;
                float[] grad = new float[classes];
                SoftmaxCrossEntropy.forwardBackward(1, classes, logits, new int[] {1}, grad);
                assertEquals(Float.floatToIntBits(grad[0]), Float.floatToIntBits(grad[classes - 1]),
                        "logit " + low + ", classes " + classes + ": " + grad[0] + " first, " + grad[classes - 1] + " last");
            }
        }
    }

    @Test
    void large_logits_are_stable() {
        float[] logits = {1e4f, 0f, -1e4f, 1e4f, 1e4f, 0f};
        float[] grad = new float[6];
        float loss = SoftmaxCrossEntropy.forwardBackward(2, 3, logits, new int[] {1, 0}, grad);
        // Row 0: log(1 + e^-1e4 + e^-2e4) + 1e4 = 1e4; row 1: log(2). Mean: (1e4 + log 2) / 2.
        assertEquals((1e4 + Math.log(2)) / 2, loss, 1e4 * U);
        assertTrue(Float.isFinite(loss));
        float[] expectedGrad = {0.5f, -0.5f, 0f, -0.25f, 0.25f, 0f};
        for (int i = 0; i < 6; i++) {
            assertEquals(expectedGrad[i], grad[i], 2 * U, "grad " + i);
        }
    }

    @Test
    void null_gradient_computes_loss_only_and_gradient_may_alias_logits() {
        SplittableRandom random = new SplittableRandom(53);
        float[] logits = SoftmaxCases.logits(random, 4 * 17, 4);
        int[] labels = SoftmaxCases.labels(random, 4, 17);
        float[] grad = new float[logits.length];
        float withGrad = SoftmaxCrossEntropy.forwardBackward(4, 17, logits, labels, grad);
        float lossOnly = SoftmaxCrossEntropy.forwardBackward(4, 17, logits, labels, null);
        assertEquals(withGrad, lossOnly, 0f);
        float inPlace = SoftmaxCrossEntropy.forwardBackward(4, 17, logits, labels, logits);
        assertEquals(withGrad, inPlace, 0f);
        TestArrays.assertBitwise(grad, logits, grad.length, "in-place gradient");
    }

    @Test
    void loss_and_gradient_bitwise_identical_for_any_thread_count() {
        int batch = 300, classes = 500; // 4.5e5 element visits: split over parallel chunks
        SplittableRandom random = new SplittableRandom(54);
        float[] logits = SoftmaxCases.logits(random, batch * classes, 6);
        int[] labels = SoftmaxCases.labels(random, batch, classes);
        float firstLoss = 0;
        float[] firstGrad = null;
        for (int threads : new int[] {1, 2, 7}) {
            KernelThreads.setThreads(threads);
            float[] grad = new float[batch * classes];
            float loss = SoftmaxCrossEntropy.forwardBackward(batch, classes, logits, labels, grad);
            if (firstGrad == null) {
                firstLoss = loss;
                firstGrad = grad;
            } else {
                assertEquals(Float.floatToIntBits(firstLoss), Float.floatToIntBits(loss), threads + " threads loss");
                TestArrays.assertBitwise(firstGrad, grad, grad.length, threads + " threads gradient");
            }
        }
    }

    @Test
    void a_batch_in_parts_gets_the_whole_batch_gradient_and_its_loss_sums() {
        SplittableRandom random = new SplittableRandom(55);
        int batch = 130, classes = 10;
        float[] logits = SoftmaxCases.logits(random, batch * classes, 8);
        int[] labels = SoftmaxCases.labels(random, batch, classes);
        float[] whole = new float[batch * classes];
        SoftmaxCrossEntropy.forwardBackward(batch, classes, logits, labels, whole);
        double[] exact = TestArrays.toDouble(logits);
        int[] partRows = {50, 1, 64, 15};
        int first = 0;
        for (int rows : partRows) {
            float[] partLogits = java.util.Arrays.copyOfRange(logits, first * classes, (first + rows) * classes);
            int[] partLabels = java.util.Arrays.copyOfRange(labels, first, first + rows);
            float[] grad = TestArrays.filled(rows * classes + 1, -7f);
            double sum = SoftmaxCrossEntropy.forwardBackwardPart(rows, batch, classes, partLogits, partLabels, grad);
            TestArrays.assertUntouchedFrom(grad, rows * classes, -7f, "logitsGrad");
            double expected = SoftmaxCases.meanLoss(java.util.Arrays.copyOfRange(exact, first * classes,
                    (first + rows) * classes), rows, classes, partLabels) * rows;
            // Per row as in the whole-batch test, (classes + 6 + 16) u of the row's loss scale 1, and the
            // sum of rows rounds in double.
            assertEquals(expected, sum, rows * (classes + 22) * U, "sum of part at " + first);
            for (int i = 0; i < rows * classes; i++) {
                if (Float.floatToIntBits(grad[i]) != Float.floatToIntBits(whole[first * classes + i])) {
                    fail("part at " + first + ": grad[" + i + "] = " + grad[i] + ", whole batch gives "
                            + whole[first * classes + i]);
                }
            }
            first += rows;
        }
        assertEquals(batch, first);
    }

    @Test
    void label_outside_classes_is_rejected_naming_index_and_value_before_writing() {
        float[] grad = TestArrays.filled(6, -7f);
        assertMessage(IllegalArgumentException.class, "labels[1] = 3 is outside [0, 3)",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, new float[6], new int[] {0, 3}, grad));
        assertMessage(IllegalArgumentException.class, "labels[0] = -1 is outside [0, 3)",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, new float[6], new int[] {-1, 0}, grad));
        TestArrays.assertUntouchedFrom(grad, 0, -7f, "logitsGrad");
    }

    @Test
    void rejects_bad_sizes_and_arrays() {
        float[] grad = TestArrays.filled(6, -7f);
        int[] labels = {0, 1};
        assertMessage(IllegalArgumentException.class, "batch must be > 0, got 0",
                () -> SoftmaxCrossEntropy.forwardBackward(0, 3, new float[6], labels, grad));
        assertMessage(IllegalArgumentException.class, "classes must be > 0, got 0",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 0, new float[6], labels, grad));
        assertMessage(IllegalArgumentException.class, "logits too short: needs 6 elements, got 5",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, new float[5], labels, grad));
        assertMessage(IllegalArgumentException.class, "labels too short: needs 2 elements, got 1",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, new float[6], new int[1], grad));
        assertMessage(IllegalArgumentException.class, "logitsGrad too short: needs 6 elements, got 5",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, new float[6], labels, new float[5]));
        assertMessage(NullPointerException.class, "logits",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, null, labels, grad));
        assertMessage(NullPointerException.class, "labels",
                () -> SoftmaxCrossEntropy.forwardBackward(2, 3, new float[6], null, grad));
        assertMessage(IllegalArgumentException.class, "rows (3) must not exceed batch (2)",
                () -> SoftmaxCrossEntropy.forwardBackwardPart(3, 2, 2, new float[6], new int[3], grad));
        assertMessage(IllegalArgumentException.class, "rows must be > 0, got 0",
                () -> SoftmaxCrossEntropy.forwardBackwardPart(0, 2, 3, new float[6], labels, grad));
        TestArrays.assertUntouchedFrom(grad, 0, -7f, "logitsGrad");
    }
}
