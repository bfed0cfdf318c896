package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorSoftmax}'s lane sum: the halving order written out in plain Java, on values whose sum
 * depends on the order (magnitudes from 1e-3 to 1e7), so that any other order shows.
 */
class VectorSoftmaxTest {

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
