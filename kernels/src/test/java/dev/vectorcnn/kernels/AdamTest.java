package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Adam} against the textbook formula in double, its first-step property, and every validation rule. */
class AdamTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void five_steps_match_hand_computed_double_formula() {
        int n = 37; // two 16-lane vectors and a tail, four 8-lane vectors and a tail
        float lr = 0.01f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
        SplittableRandom random = new SplittableRandom(81);
        float[] p = TestArrays.uniform(random, n), m = new float[n], v = new float[n];
        double[] pd = TestArrays.toDouble(p), md = new double[n], vd = new double[n];
        double[] pBound = new double[n];
        for (int t = 1; t <= 5; t++) {
            float[] g = TestArrays.uniform(random, n);
            Adam.update(p, g, m, v, n, t, lr, beta1, beta2, epsilon);
            double lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            // Error bounds, |g| <= 1: m and v gain at most 4 roundings of magnitude <= 1 per step.
            double mBound = 4 * t * U, vBound = 4 * t * U;
            for (int i = 0; i < n; i++) {
                md[i] = beta1 * md[i] + (1 - (double) beta1) * g[i];
                vd[i] = beta2 * vd[i] + (1 - (double) beta2) * g[i] * g[i];
                double update = lrT * md[i] / (Math.sqrt(vd[i]) + epsilon);
                pd[i] -= update;
                // The update's first-order error from m and v (m / sqrt(v) amplifies it where v is
                // small), about 8 roundings of its own (alpha, sqrt, add, multiply, divide), and p's.
                double root = Math.sqrt(vd[i]);
                pBound[i] += lrT * (mBound / root + Math.abs(md[i]) * vBound / (2 * root * vd[i]))
                        + 8 * U * Math.abs(update) + U * Math.abs(pd[i]);
                assertEquals(md[i], m[i], mBound, "m[" + i + "] step " + t);
                assertEquals(vd[i], v[i], vBound, "v[" + i + "] step " + t);
                assertEquals(pd[i], p[i], pBound[i], "p[" + i + "] step " + t);
            }
        }
    }

    @Test
    void first_step_moves_each_parameter_by_learning_rate_against_the_gradient_sign() {
        // Step 1: m = (1-b1) g, v = (1-b2) g^2, lr_1 = lr sqrt(1-b2)/(1-b1), so the update is
        // lr * g / (|g| + eps / sqrt(1-b2)) = lr * sign(g) up to eps / (sqrt(1-b2) |g|) < 2e-6 here;
        // p near 1 and the expected 1 -+ lr each round once (2u).
        float[] p = {1f, 1f, 1f, 1f};
        float[] g = {0.5f, -0.2f, 3f, -100f};
        Adam.update(p, g, new float[4], new float[4], 4, 1,
                Adam.DEFAULT_LEARNING_RATE, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
        float lr = Adam.DEFAULT_LEARNING_RATE;
        float[] expected = {1 - lr, 1 + lr, 1 - lr, 1 + lr};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], p[i], lr * 1e-5 + 2 * U, "p[" + i + "]");
        }
    }

    @Test
    void vector_path_matches_scalar_reference_bitwise() {
        SplittableRandom random = new SplittableRandom(82);
        for (int n : new int[] {1, 3, 15, 16, 17, 33, 64, 1000}) {
            float[] p = TestArrays.uniform(random, n);
            float[] g = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            float[] m = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            float[] v = TestArrays.nearSubnormal(random, TestArrays.uniform(random, n));
            for (int i = 0; i < n; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
            float lr = 0.003f, beta1 = 0.8f, beta2 = 0.99f, epsilon = 1e-7f, beta1Power = 0.2f, beta2Power = 0.93f;
            Adam.update(p, g, m, v, n, beta1Power, beta2Power, lr, beta1, beta2, epsilon);
            // The scalar reference with TensorFlow's alpha, as documented on Adam.
            float alpha = lr * (float) Math.sqrt(1f - beta2Power) / (1f - beta1Power);
            ScalarAdam.update(p2, g, m2, v2, 0, n, alpha, 1f - beta1, 1f - beta2, epsilon);
            TestArrays.assertBitwise(p2, p, n, "params n=" + n);
            TestArrays.assertBitwise(m2, m, n, "m n=" + n);
            TestArrays.assertBitwise(v2, v, n, "v n=" + n);
        }
    }

    @Test
    void beta_powers_are_tf1s_running_float_products() {
        // TF1's AdamOptimizer: beta1_power starts at beta1 and is assigned beta1_power * beta1 after
        // each step, in float32.
        assertEquals(0.9f, Adam.betaPower(0.9f, 1));
        assertEquals(0.9f * 0.9f, Adam.betaPower(0.9f, 2));
        float cubed = 0.999f * 0.999f * 0.999f;
        assertEquals(cubed, Adam.betaPower(0.999f, 3));
        // A correctly rounded pow differs from the running product from here on (Keras' later form).
        assertNotEquals((float) Math.pow(0.999f, 3), cubed);
        assertEquals(cubed * 0.999f, Adam.nextBetaPower(cubed, 0.999f));
        assertEquals(0.999f, Adam.nextBetaPower(1f, 0.999f));
        // 2^-126 is the smallest normal float; 2^-127, a subnormal, is flushed as under TensorFlow's FTZ.
        assertEquals(Float.MIN_NORMAL, Adam.betaPower(0.5f, 126));
        assertEquals(0f, Adam.betaPower(0.5f, 127));
        assertEquals(0f, Adam.nextBetaPower(Float.MIN_NORMAL, 0.5f));
        assertEquals(0f, Adam.betaPower(0f, 1));
        assertEquals(0f, Adam.betaPower(Float.MIN_VALUE, 1));
        assertEquals(0f, Adam.nextBetaPower(1f, Float.MIN_VALUE));
        // Zero from step 87,294 on: the loop ends there, whatever the step.
        assertTrue(Adam.betaPower(0.999f, 87_293) > 0f);
        assertEquals(0f, Adam.betaPower(0.999f, 87_294));
        assertEquals(0f, Adam.betaPower(0.999f, Long.MAX_VALUE));
    }

    @Test
    void a_step_count_gives_the_bits_of_the_powers_it_stands_for() {
        SplittableRandom random = new SplittableRandom(84);
        int n = 21;
        // Parameters at zero, so that they take the update's bits, which carry alpha's.
        float[] p = new float[n], g = TestArrays.uniform(random, n);
        float[] m = TestArrays.uniform(random, n), v = TestArrays.uniform(random, n);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]);
        }
        float[] p2 = p.clone(), m2 = m.clone(), v2 = v.clone();
        float beta1Power = 1f, beta2Power = 1f;
        for (int t = 1; t <= 30; t++) {
            beta1Power *= 0.9f;
            beta2Power *= 0.999f;
        }
        Adam.update(p, g, m, v, n, 30, 0.001f, 0.9f, 0.999f, 1e-8f);
        Adam.update(p2, g, m2, v2, n, beta1Power, beta2Power, 0.001f, 0.9f, 0.999f, 1e-8f);
        TestArrays.assertBitwise(p2, p, n, "params");
        TestArrays.assertBitwise(m2, m, n, "m");
        TestArrays.assertBitwise(v2, v, n, "v");
    }

    @Test
    void a_moment_without_gradient_decays_to_zero_instead_of_lingering_as_a_subnormal() {
        // With g = 0, m_t = m_0 * 0.9^t. IEEE rounding would stop the decay at a subnormal fixed
        // point (0.1 m rounds to 0 once m <= 5 * 2^-149); TensorFlow's flush-to-zero stores 0 instead.
        int n = 19;
        float[] p = TestArrays.filled(n, 0.5f), g = new float[n], m = TestArrays.filled(n, 1e-36f);
        float[] v = TestArrays.filled(n, 1e-4f);
        double expected = 1e-36f;
        for (int t = 1; t <= 200; t++) {
            Adam.update(p, g, m, v, n, t, 0.001f, 0.9f, 0.999f, 1e-8f);
            expected *= 0.9;
            for (int i = 0; i < n; i++) {
                String where = "m[" + i + "] step " + t;
                assertTrue(m[i] == 0 || Math.abs(m[i]) >= Float.MIN_NORMAL, where + " is subnormal: " + m[i]);
                if (expected < Float.MIN_NORMAL / 2) {
                    assertEquals(0f, m[i], where);
                } else if (expected > 2 * Float.MIN_NORMAL) {
                    assertEquals(expected, m[i], expected * 4 * t * U, where);
                }
            }
        }
    }

    @Test
    void a_subnormal_gradient_counts_as_zero() {
        float[] p = {1f, -1f, 0.25f}, g = {-Float.MIN_NORMAL / 2, Float.MIN_NORMAL / 3, 7 * Float.MIN_VALUE};
        float[] m = new float[3], v = new float[3];
        Adam.update(p, g, m, v, 3, 1, 0.001f, 0.9f, 0.999f, 1e-8f);
        TestArrays.assertBitwise(new float[] {0f, 0f, 0f}, m, 3, "m");
        TestArrays.assertBitwise(new float[] {0f, 0f, 0f}, v, 3, "v");
        TestArrays.assertBitwise(new float[] {1f, -1f, 0.25f}, p, 3, "params");
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int n = (1 << 18) + 3;
        SplittableRandom random = new SplittableRandom(83);
        float[] p0 = TestArrays.uniform(random, n), g = TestArrays.uniform(random, n);
        TestArrays.assertSameForThreadCounts(n, () -> {
            float[] p = p0.clone(), m = new float[n], v = new float[n];
            Adam.update(p, g, m, v, n, 1, 0.001f, 0.9f, 0.999f, 1e-8f);
            Adam.update(p, g, m, v, n, 2, 0.001f, 0.9f, 0.999f, 1e-8f);
            return p;
        });
    }

    /**
     * Every array passed to a rejected call, the too-short ones included, is left as it was. Gradients
     * (1) and moments (0.5) are non-zero: with zeros an update made before the checks would leave m and
     * v at 0 and move params by 0, and go unseen.
     */
    @Test
    void rejects_settings_that_would_produce_nan_and_writes_nothing() {
        float[] p = TestArrays.filled(4, 1f), g = TestArrays.filled(4, 1f);
        float[] m = TestArrays.filled(4, 0.5f), v = TestArrays.filled(4, 0.5f), shortV = TestArrays.filled(3, 0.5f);
        assertMessage(IllegalArgumentException.class, "step must be >= 1 (1-based), got 0",
                () -> Adam.update(p, g, m, v, 4, 0, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got NaN",
                () -> Adam.update(p, g, m, v, 4, 1, Float.NaN, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got -0.1",
                () -> Adam.update(p, g, m, v, 4, 1, -0.1f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "learningRate must be finite and >= 0, got Infinity",
                () -> Adam.update(p, g, m, v, 4, 1, Float.POSITIVE_INFINITY, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "beta1 must be in [0, 1), got 1.0",
                () -> Adam.update(p, g, m, v, 4, 1, 0.001f, 1f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "beta1 must be in [0, 1), got -0.5",
                () -> Adam.update(p, g, m, v, 4, 1, 0.001f, -0.5f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "beta2 must be in [0, 1), got NaN",
                () -> Adam.update(p, g, m, v, 4, 1, 0.001f, 0.9f, Float.NaN, 1e-8f));
        assertMessage(IllegalArgumentException.class, "beta2 must be in [0, 1), got 1.5",
                () -> Adam.update(p, g, m, v, 4, 1, 0.001f, 0.9f, 1.5f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "epsilon must be finite and > 0, got 0.0",
                () -> Adam.update(p, g, m, v, 4, 1, 0.001f, 0.9f, 0.999f, 0f));
        assertMessage(IllegalArgumentException.class, "epsilon must be finite and > 0, got Infinity",
                () -> Adam.update(p, g, m, v, 4, 1, 0.001f, 0.9f, 0.999f, Float.POSITIVE_INFINITY));
        // 1 - beta1^1 = 1.2e-7 turns the largest float learning rate into an infinite step.
        assertMessage(IllegalArgumentException.class, "learningRate 3.4028235E38 with beta1 0.9999999, beta2 0.9 at"
                        + " step 1 gives an infinite step size",
                () -> Adam.update(p, g, m, v, 4, 1, Float.MAX_VALUE, 0.9999999f, 0.9f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "learningRate 3.4028235E38 with beta1Power 0.9999999, beta2Power"
                        + " 0.9 gives an infinite step size",
                () -> Adam.update(p, g, m, v, 4, 0.9999999f, 0.9f, Float.MAX_VALUE, 0.9f, 0.9f, 1e-8f));
        // The arrays and their length come first, as on every kernel.
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -1",
                () -> Adam.update(p, g, m, v, -1, 0, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "beta1Power must be in [0, 1), got 1.0",
                () -> Adam.update(p, g, m, v, 4, 1f, 0.5f, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "beta2Power must be in [0, 1), got NaN",
                () -> Adam.update(p, g, m, v, 4, 0.5f, Float.NaN, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "step must be >= 1 (1-based), got 0",
                () -> Adam.betaPower(0.9f, 0));
        assertMessage(IllegalArgumentException.class, "beta must be in [0, 1), got 1.0",
                () -> Adam.betaPower(1f, 3));
        assertMessage(IllegalArgumentException.class, "power must be in [0, 1], got 1.5",
                () -> Adam.nextBetaPower(1.5f, 0.9f));
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -1",
                () -> Adam.update(p, g, m, v, -1, 1, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "v too short: needs 4 elements, got 3",
                () -> Adam.update(p, g, m, shortV, 4, 1, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "v too short: needs 4 elements, got 3",
                () -> Adam.update(p, g, m, shortV, 4, 0.9f, 0.999f, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(IllegalArgumentException.class, "params too short: needs 5 elements, got 4",
                () -> Adam.update(p, g, m, v, 5, 1, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(NullPointerException.class, "grads", () -> Adam.update(p, null, m, v, 4, 1, 0.001f, 0.9f, 0.999f, 1e-8f));
        assertMessage(NullPointerException.class, "m", () -> Adam.update(p, g, null, v, 4, 1, 0.001f, 0.9f, 0.999f, 1e-8f));
        TestArrays.assertUntouchedFrom(p, 0, 1f, "params");
        TestArrays.assertUntouchedFrom(g, 0, 1f, "grads");
        TestArrays.assertUntouchedFrom(m, 0, 0.5f, "m");
        TestArrays.assertUntouchedFrom(v, 0, 0.5f, "v");
        TestArrays.assertUntouchedFrom(shortV, 0, 0.5f, "too-short v");
    }
}
