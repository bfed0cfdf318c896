package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Accuracy} with the semantics of {@code tf.nn.in_top_k(k=1)}. */
class AccuracyTest {

    @Test
    void counts_rows_whose_label_has_the_largest_logit() {
        float[] logits = {
                0.1f, 0.7f, 0.2f,   // label 1: correct
                0.5f, 0.4f, 0.1f,   // label 2: wrong
                -3f, -1f, -2f};     // label 1: correct
        assertEquals(2, Accuracy.top1Correct(3, 3, logits, new int[] {1, 2, 1}));
    }

    @Test
    void ties_with_the_maximum_count_as_top1() {
        float[] logits = {0.5f, 0.5f, 0.1f};
        assertEquals(1, Accuracy.top1Correct(1, 3, logits, new int[] {0}));
        assertEquals(1, Accuracy.top1Correct(1, 3, logits, new int[] {1}));
        assertEquals(0, Accuracy.top1Correct(1, 3, logits, new int[] {2}));
    }

    @Test
    void a_row_with_any_non_finite_logit_is_never_correct() {
        // TensorFlow's in_top_k kernel "cannot say" for such a row and answers false.
        assertEquals(0, Accuracy.top1Correct(1, 3, new float[] {Float.NaN, 0f, -1f}, new int[] {0}));
        assertEquals(0, Accuracy.top1Correct(1, 3, new float[] {Float.POSITIVE_INFINITY, 0f, -1f}, new int[] {0}));
        assertEquals(0, Accuracy.top1Correct(1, 2, new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, new int[] {0}));
        assertEquals(0, Accuracy.top1Correct(1, 3, new float[] {1f, Float.NaN, -1f}, new int[] {0}));
        assertEquals(0, Accuracy.top1Correct(1, 3, new float[] {1f, 0f, Float.NEGATIVE_INFINITY}, new int[] {0}));
        assertEquals(0, Accuracy.top1Correct(1, 3, new float[] {1f, 0f, Float.POSITIVE_INFINITY}, new int[] {0}));
        assertEquals(1, Accuracy.top1Correct(1, 3, new float[] {1f, 0f, -Float.MAX_VALUE}, new int[] {0}));
        assertEquals(1, Accuracy.top1Correct(1, 3, new float[] {Float.MAX_VALUE, 0f, Float.MAX_VALUE}, new int[] {0}));
    }

    @Test
    void matches_tensorflows_rule_for_every_class_count() {
        float[] nonFinite = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        SplittableRandom random = new SplittableRandom(61);
        for (int classes : SoftmaxCases.CLASSES) {
            int batch = 200;
            float[] logits = new float[batch * classes];
            for (int i = 0; i < logits.length; i++) {
                // Many ties, and a non-finite logit in about one row of five whatever the class count.
                logits[i] = random.nextInt(5 * classes) == 0 ? nonFinite[random.nextInt(3)] : random.nextInt(5);
            }
            int[] labels = SoftmaxCases.labels(random, batch, classes);
            int expected = 0;
            for (int b = 0; b < batch; b++) {
                // tensorflow/core/kernels/in_topk_op.h, k = 1.
                float target = logits[b * classes + labels[b]];
                boolean cannotSay = !Float.isFinite(target);
                int moreProbable = 0;
                for (int j = 0; j < classes && !cannotSay; j++) {
                    float prediction = logits[b * classes + j];
                    if (!Float.isFinite(prediction)) {
                        cannotSay = true;
                    } else if (prediction > target) {
                        moreProbable++;
                    }
                }
                expected += !cannotSay && moreProbable < 1 ? 1 : 0;
            }
            assertEquals(expected, Accuracy.top1Correct(batch, classes, logits, labels), "classes " + classes);
        }
    }

    @Test
    void rejects_bad_arguments() {
        assertMessage(IllegalArgumentException.class, "labels[1] = 5 is outside [0, 3)",
                () -> Accuracy.top1Correct(2, 3, new float[6], new int[] {0, 5}));
        assertMessage(IllegalArgumentException.class, "batch must be > 0, got 0",
                () -> Accuracy.top1Correct(0, 3, new float[6], new int[] {0}));
        assertMessage(IllegalArgumentException.class, "classes must be > 0, got 0",
                () -> Accuracy.top1Correct(1, 0, new float[6], new int[] {0}));
        assertMessage(IllegalArgumentException.class, "logits too short: needs 6 elements, got 4",
                () -> Accuracy.top1Correct(2, 3, new float[4], new int[] {0, 0}));
        assertMessage(IllegalArgumentException.class, "labels too short: needs 2 elements, got 1",
                () -> Accuracy.top1Correct(2, 3, new float[6], new int[] {0}));
        assertMessage(NullPointerException.class, "logits", () -> Accuracy.top1Correct(2, 3, null, new int[] {0, 0}));
        assertMessage(NullPointerException.class, "labels", () -> Accuracy.top1Correct(2, 3, new float[6], null));
    }
}
