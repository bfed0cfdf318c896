package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Sgd}: {@code p -= g * lr} against double, the scalar reference, and validation. */
class SgdTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

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
    void vector_path_matches_scalar_reference_bitwise_around_the_subnormal_range() {
        SplittableRandom random = new SplittableRandom(92);
        for (int n : new int[] {1, 3, 15, 16, 17, 33, 64, 1000}) {
            // Parameters near zero too, where a flushed and an unflushed step differ.
            float[] p = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            float[] g = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            float[] reference = p.clone();
            Sgd.update(p, g, n, 0.5f);
            ScalarSgd.update(reference, g, 0, n, 0.5f);
            TestArrays.assertBitwise(reference, p, n, "n=" + n);
        }
    }

    @Test
    void a_subnormal_gradient_counts_as_zero() {
        // Without the flush, p = 0 - g * 0.5 would be a nonzero subnormal.
        float[] p = {0f, 0f, 1f}, g = {-Float.MIN_NORMAL / 2, Float.MIN_NORMAL / 3, Float.MIN_NORMAL};
        Sgd.update(p, g, 3, 0.5f);
        TestArrays.assertBitwise(new float[] {0f, 0f, 1f}, p, 3, "params");
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int n = (1 << 18) + 3;
        SplittableRandom random = new SplittableRandom(7);
        float[] p0 = TestArrays.uniform(random, n), g = TestArrays.uniform(random, n);
        TestArrays.assertSameForThreadCounts(n, () -> {
            float[] p = p0.clone();
            Sgd.update(p, g, n, 0.01f);
            return p;
        });
    }

    /**
     * Every array passed to a rejected call, the too-short ones included, is left as it was. The
     * gradients are non-zero (1): with zero gradients an update made before the checks would change
     * nothing and go unseen.
     */
    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] p = TestArrays.filled(4, 1f), g = TestArrays.filled(4, 1f);
        float[] shortGrads = TestArrays.filled(3, 1f), shortParams = TestArrays.filled(3, 1f);
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got NaN",
                () -> Sgd.update(p, g, 4, Float.NaN));
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got -1.0",
                () -> Sgd.update(p, g, 4, -1f));
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -2", () -> Sgd.update(p, g, -2, 0.1f));
        assertMessage(IllegalArgumentException.class, "grads too short: needs 4 elements, got 3",
                () -> Sgd.update(p, shortGrads, 4, 0.1f));
        assertMessage(IllegalArgumentException.class, "params too short: needs 4 elements, got 3",
                () -> Sgd.update(shortParams, g, 4, 0.1f));
        assertMessage(NullPointerException.class, "params", () -> Sgd.update(null, g, 4, 0.1f));
        TestArrays.assertUntouchedFrom(p, 0, 1f, "params");
        TestArrays.assertUntouchedFrom(g, 0, 1f, "grads");
        TestArrays.assertUntouchedFrom(shortGrads, 0, 1f, "too-short grads");
        TestArrays.assertUntouchedFrom(shortParams, 0, 1f, "too-short params");
    }
}
