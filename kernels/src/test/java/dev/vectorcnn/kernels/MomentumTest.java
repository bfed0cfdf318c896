package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Momentum} against TensorFlow's formula in double, the scalar reference, and validation. */
class MomentumTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void three_steps_match_hand_computed_double_formula() {
        int n = 37;
        float lr = 0.1f, momentum = 0.9f;
        SplittableRandom random = new SplittableRandom(101);
        float[] p = TestArrays.uniform(random, n), velocity = new float[n];
        double[] pd = TestArrays.toDouble(p), accum = new double[n];
        for (int t = 1; t <= 3; t++) {
            float[] g = TestArrays.uniform(random, n);
            Momentum.update(p, g, velocity, n, lr, momentum);
            for (int i = 0; i < n; i++) {
                accum[i] = momentum * accum[i] + g[i];
                pd[i] -= lr * accum[i];
                // |accum| < 3 after 3 steps; each step rounds accum twice and the update twice.
                assertEquals(accum[i], velocity[i], 2 * t * U * 3, "velocity[" + i + "] step " + t);
                assertEquals(pd[i], p[i], t * (2 * U * Math.abs(pd[i]) + 4 * U * 3 * lr), "p[" + i + "] step " + t);
            }
        }
    }

    @Test
    void first_step_is_plain_gradient_descent() {
        float[] p = {1f, 2f};
        Momentum.update(p, new float[] {0.5f, -1f}, new float[2], 2, 0.25f, 0.9f);
        assertEquals(1f - 0.125f, p[0], 0f);
        assertEquals(2f + 0.25f, p[1], 0f);
    }

    @Test
    void vector_path_matches_scalar_reference_bitwise() {
        SplittableRandom random = new SplittableRandom(102);
        for (int n : new int[] {1, 3, 15, 16, 17, 33, 64, 1000}) {
            float[] p = TestArrays.uniform(random, n);
            float[] g = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            float[] vel = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            float[] p2 = p.clone(), vel2 = vel.clone();
            Momentum.update(p, g, vel, n, 0.03f, 0.95f);
            ScalarMomentum.update(p2, g, vel2, 0, n, 0.03f, 0.95f);
            TestArrays.assertBitwise(p2, p, n, "params n=" + n);
            TestArrays.assertBitwise(vel2, vel, n, "velocity n=" + n);
        }
    }

    @Test
    void a_velocity_without_gradient_decays_to_zero_instead_of_lingering_as_a_subnormal() {
        // With g = 0, accum_t = accum_0 * 0.9^t; IEEE rounding would stop at a subnormal fixed point.
        int n = 19;
        float[] p = TestArrays.filled(n, 0.5f), g = new float[n], vel = TestArrays.filled(n, -1e-36f);
        double expected = -1e-36f;
        for (int t = 1; t <= 200; t++) {
            Momentum.update(p, g, vel, n, 0.01f, 0.9f);
            expected *= 0.9;
            for (int i = 0; i < n; i++) {
                String where = "velocity[" + i + "] step " + t;
                assertTrue(vel[i] == 0 || Math.abs(vel[i]) >= Float.MIN_NORMAL, where + " is subnormal: " + vel[i]);
                if (Math.abs(expected) < Float.MIN_NORMAL / 2) {
                    assertEquals(0f, vel[i], where);
                } else if (Math.abs(expected) > 2 * Float.MIN_NORMAL) {
                    assertEquals(expected, vel[i], Math.abs(expected) * 2 * t * U, where);
                }
            }
        }
    }

    @Test
    void a_subnormal_gradient_counts_as_zero() {
        float[] p = {0f, 1f}, g = {-Float.MIN_NORMAL / 2, Float.MIN_NORMAL / 3}, vel = new float[2];
        Momentum.update(p, g, vel, 2, 0.5f, 0.9f);
        TestArrays.assertBitwise(new float[] {0f, 0f}, vel, 2, "velocity");
        TestArrays.assertBitwise(new float[] {0f, 1f}, p, 2, "params");
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int n = (1 << 18) + 3;
        SplittableRandom random = new SplittableRandom(7);
        float[] p0 = TestArrays.uniform(random, n), g = TestArrays.uniform(random, n);
        TestArrays.assertSameForThreadCounts(n, () -> {
            float[] p = p0.clone(), vel = new float[n];
            Momentum.update(p, g, vel, n, 0.01f, 0.9f);
            Momentum.update(p, g, vel, n, 0.01f, 0.9f);
            return p;
        });
    }

    /**
     * Every array passed to a rejected call, the too-short ones included, is left as it was. Gradients
     * (1) and velocities (0.5) are non-zero: with zeros an update made before the checks would change
     * nothing and go unseen.
     */
    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] p = TestArrays.filled(4, 1f), g = TestArrays.filled(4, 1f), vel = TestArrays.filled(4, 0.5f);
        float[] shortVel = TestArrays.filled(2, 0.5f), shortGrads = TestArrays.filled(3, 1f);
        assertMessage(IllegalArgumentException.class, "momentum must be finite and >= 0, got NaN",
                () -> Momentum.update(p, g, vel, 4, 0.1f, Float.NaN));
        assertMessage(IllegalArgumentException.class, "momentum must be finite and >= 0, got -0.5",
                () -> Momentum.update(p, g, vel, 4, 0.1f, -0.5f));
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got Infinity",
                () -> Momentum.update(p, g, vel, 4, Float.POSITIVE_INFINITY, 0.9f));
        assertMessage(IllegalArgumentException.class, "velocity too short: needs 4 elements, got 2",
                () -> Momentum.update(p, g, shortVel, 4, 0.1f, 0.9f));
        assertMessage(IllegalArgumentException.class, "grads too short: needs 4 elements, got 3",
                () -> Momentum.update(p, shortGrads, vel, 4, 0.1f, 0.9f));
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -1", () -> Momentum.update(p, g, vel, -1, 0.1f, 0.9f));
        assertMessage(NullPointerException.class, "velocity", () -> Momentum.update(p, g, null, 4, 0.1f, 0.9f));
        TestArrays.assertUntouchedFrom(p, 0, 1f, "params");
        TestArrays.assertUntouchedFrom(g, 0, 1f, "grads");
        TestArrays.assertUntouchedFrom(vel, 0, 0.5f, "velocity");
        TestArrays.assertUntouchedFrom(shortVel, 0, 0.5f, "too-short velocity");
        TestArrays.assertUntouchedFrom(shortGrads, 0, 1f, "too-short grads");
    }
}
