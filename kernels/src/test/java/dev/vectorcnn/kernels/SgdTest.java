package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Sgd}: {@code p -= g * lr} against double, the scalar reference, and validation. */
class SgdTest {

    @Test
    void step_matches_double_and_scalar_reference() {
        SplittableRandom random = new SplittableRandom(91);
        for (int n : new int[] {1, 3, 15, 16, 17, 33, 64, 1000}) {
            float[] p = TestArrays.uniform(random, n), g = TestArrays.uniform(random, n);
            float[] reference = p.clone();
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                expected[i] = p[i] - g[i] * 0.05;
            }
            Sgd.update(p, g, n, 0.05f);
            ScalarSgd.update(reference, g, 0, n, 0.05f);
            TestArrays.assertBitwise(reference, p, n, "n=" + n);
            for (int i = 0; i < n; i++) {
                // g * lr and the subtraction round once each; lr = 0.05f itself is off by u.
                assertEquals(expected[i], p[i], 2 * U * (Math.abs(expected[i]) + 0.05) + U * 0.05, "p[" + i + "]");
            }
        }
    }

    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] p = TestArrays.filled(4, 1f);
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got NaN",
                () -> Sgd.update(p, new float[4], 4, Float.NaN));
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got -1.0",
                () -> Sgd.update(p, new float[4], 4, -1f));
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -2", () -> Sgd.update(p, new float[4], -2, 0.1f));
        assertMessage(IllegalArgumentException.class, "grads too short: needs 4 elements, got 3",
                () -> Sgd.update(p, new float[3], 4, 0.1f));
        assertMessage(NullPointerException.class, "params", () -> Sgd.update(null, new float[4], 4, 0.1f));
        TestArrays.assertUntouchedFrom(p, 0, 1f, "params");
    }
}
