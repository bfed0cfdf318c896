package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorSoftmax} called directly (whatever backend the run selects): its lane sum, the halving
 * order written out in plain Java, on values whose sum depends on the order (magnitudes from 1e-3 to
 * 1e7), so that any other order shows; equal logits giving equal bits in the vector body and the tail;
 * and its documented agreement with {@link ScalarSoftmax}.
 */
class VectorSoftmaxTest {

    private static final int LANES = VectorSpeciesChoice.FLOAT.length();

    /** Rows with a vector body and a tail of every length from 1 to a full vector less one, and none. */
    private static int[] classCounts() {
        return new int[] {1, LANES - 1, LANES, LANES + 1, 2 * LANES - 1, 2 * LANES + 3, 3 * LANES + LANES / 2};
    }

    /**
     * A row whose classes from {@code LANES} on copy class {@code j % LANES}, so every tail class has a
     * twin in the first vector; logits from -110 to 0 (0 the maximum), so some exponentials are subnormal.
     */
    private static float[] rowWithTwins(SplittableRandom random, int classes) {
        float[] logits = new float[classes];
        for (int j = 1; j < classes; j++) {
            logits[j] = j < LANES ? (float) (-110 * random.nextDouble()) : logits[j % LANES];
        }
        return logits;
    }

    @Test
    void equal_logits_get_equal_bits_in_the_vector_body_and_the_tail() {
        SplittableRandom random = new SplittableRandom(62);
        int checked = 0;
        for (int classes : classCounts()) {
            for (int trial = 0; trial < 20; trial++) {
                float[] logits = rowWithTwins(random, classes);
                float[] probs = new float[classes];
                VectorSoftmax.softmaxRow(classes, logits, 0, probs, 0);
                float[] grad = new float[classes];
                VectorSoftmax.crossEntropyRow(classes, logits, 0, 0, grad, 0, 0.25f);
                for (int j = LANES; j < classes; j++) {
                    int twin = j % LANES;
                    String where = "classes " + classes + " class " + j + " (logit " + logits[j] + ") vs " + twin;
                    assertEquals(Float.floatToIntBits(probs[twin]), Float.floatToIntBits(probs[j]), "softmax " + where);
                    if (twin != 0) { // class 0 is the label, whose gradient has -1 added
                        assertEquals(Float.floatToIntBits(grad[twin]), Float.floatToIntBits(grad[j]), "gradient " + where);
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 0, "no class had a twin");
    }

    @Test
    void a_class_100_below_the_maximum_gets_the_same_probability_first_and_last() {
        // The reviewer's row: exp(-100) is subnormal; VectorExp flushes it to 0 wherever the class sits.
        for (int classes = 3; classes <= 3 * LANES + 1; classes++) { // a 0 between the two: the maximum
            float[] logits = new float[classes];
            logits[0] = -100f;
            logits[classes - 1] = -100f;
            float[] probs = new float[classes];
            VectorSoftmax.softmaxRow(classes, logits, 0, probs, 0);
            assertEquals(Float.floatToIntBits(probs[0]), Float.floatToIntBits(probs[classes - 1]), "classes " + classes);
            assertEquals(0f, probs[0], 0f, "classes " + classes);
        }
    }

    /**
     * The documented agreement with the scalar reference: each is within p (|x - max| + classes + 6) u
     * of the double softmax (see SoftmaxTest), so within twice that of each other, plus Float.MIN_NORMAL
     * where VectorExp flushes to 0 a result Math.exp leaves subnormal. The rows reach 120 below their
     * maximum, and the test asserts that such flushed classes were among those checked.
     */
    @Test
    void agrees_with_scalar_reference_to_ulps_plus_min_normal() {
        SplittableRandom random = new SplittableRandom(63);
        int flushed = 0;
        for (int classes : classCounts()) {
            for (int trial = 0; trial < 20; trial++) {
                float[] logits = new float[classes];
                for (int j = 0; j < classes; j++) {
                    logits[j] = (float) (-120 * random.nextDouble());
                }
                logits[random.nextInt(classes)] = 0f;
                float[] probs = new float[classes], reference = new float[classes];
                VectorSoftmax.softmaxRow(classes, logits, 0, probs, 0);
                ScalarSoftmax.softmaxRow(classes, logits, 0, reference, 0);
                float[] grad = new float[classes], referenceGrad = new float[classes];
                int label = random.nextInt(classes);
                float loss = VectorSoftmax.crossEntropyRow(classes, logits, 0, label, grad, 0, 1f);
                float referenceLoss = ScalarSoftmax.crossEntropyRow(classes, logits, 0, label, referenceGrad, 0, 1f);
                for (int j = 0; j < classes; j++) {
                    double tolerance = 2 * reference[j] * (Math.abs(logits[j]) + classes + 6) * TestArrays.U
                            + Float.MIN_NORMAL;
                    String where = "classes " + classes + " class " + j + " logit " + logits[j];
                    assertEquals(reference[j], probs[j], tolerance, "softmax " + where);
                    // The gradient adds the subtraction of the label's 1 (2u of 1).
                    assertEquals(referenceGrad[j], grad[j], tolerance + 4 * TestArrays.U, "gradient " + where);
                    if (probs[j] == 0f && reference[j] != 0f) {
                        flushed++;
                    }
                }
                // log of a sum >= 1 carrying (classes + 6) u, |x_label - max| <= 120 rounding once: twice that.
                assertEquals(referenceLoss, loss, 2 * ((classes + 6) * TestArrays.U + 120 * TestArrays.U)
                        + 2 * Math.abs(referenceLoss) * TestArrays.U, "loss classes " + classes);
            }
        }
        assertTrue(flushed > 0, "no class was flushed by VectorExp and subnormal in Math.exp");
    }

    @Test
    void lanes_are_summed_by_halving_in_a_fixed_order() {
        int lanes = VectorSpeciesChoice.FLOAT.length();
        SplittableRandom random = new SplittableRandom(61);
        int orderSensitive = 0;
        for (int trial = 0; trial < 200; trial++) {
            float[] values = new float[lanes];
            for (int i = 0; i < lanes; i++) {
                values[i] = (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextInt(-3, 8))
                        * random.nextDouble());
            }
            float[] halving = values.clone();
            for (int h = lanes / 2; h >= 1; h /= 2) {
                for (int i = 0; i < h; i++) {
                    halving[i] += halving[i + h];
                }
            }
            float sequential = 0f;
            for (float value : values) {
                sequential += value;
            }
            if (Float.floatToIntBits(sequential) != Float.floatToIntBits(halving[0])) {
                orderSensitive++;
            }
            float got = VectorSoftmax.sumInFixedOrder(FloatVector.fromArray(VectorSpeciesChoice.FLOAT, values, 0));
            assertEquals(Float.floatToIntBits(halving[0]), Float.floatToIntBits(got), "trial " + trial);
        }
        // The data must tell orders apart, or the test would pass for any of them.
        assertTrue(orderSensitive > 20, orderSensitive + " of 200 sums differ between orders");
    }
}
