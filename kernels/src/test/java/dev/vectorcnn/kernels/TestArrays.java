package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Data and assertions shared by the kernel tests. */
final class TestArrays {

    /** Float unit roundoff, 2^-24: the relative error bound of one correctly rounded float operation. */
    static final double U = Math.ulp(1f) / 2;

    private TestArrays() {
    }

    /** Uniform in [-1, 1). */
    static float[] uniform(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    /** Integers in {@code [-limit, limit]}, as floats: sums of their products are exact in float below 2^24. */
    static float[] smallIntegers(RandomGenerator random, int length, int limit) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextInt(-limit, limit + 1);
        }
        return values;
    }

    /**
     * Overwrites every third element of {@code values} with one from around the subnormal range
     * (subnormals of both signs, {@code -0}, {@code Float.MIN_NORMAL} and its neighbours), where the
     * optimizers flush to zero; returns {@code values}.
     */
    static float[] nearSubnormal(SplittableRandom random, float[] values) {
        float[] edges = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL / 2, -Float.MIN_NORMAL / 3, -0f,
            Float.MIN_NORMAL, -Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), Math.nextUp(Float.MIN_NORMAL),
            8 * Float.MIN_NORMAL};
        for (int i = 0; i < values.length; i += 3) {
            values[i] = edges[random.nextInt(edges.length)];
        }
        return values;
    }

    static float[] filled(int length, float value) {
        float[] array = new float[length];
        java.util.Arrays.fill(array, value);
        return array;
    }

    static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    /** Fails unless the arrays agree bitwise (NaNs canonicalised) over the first {@code length} elements. */
    static void assertBitwise(float[] expected, float[] actual, int length, String what) {
        for (int i = 0; i < length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected bitwise " + expected[i]);
            }
        }
    }

    /**
     * Runs {@code compute} on 1, 2 and 7 kernel threads (the caller restores the count) and fails unless
     * every run returns the same bits over the first {@code length} elements.
     */
    static void assertSameForThreadCounts(int length, java.util.function.Supplier<float[]> compute) {
        float[] first = null;
        for (int threads : new int[] {1, 2, 7}) {
            KernelThreads.setThreads(threads);
            float[] result = compute.get();
            if (first == null) {
                first = result;
            } else {
                assertBitwise(first, result, length, threads + " threads");
            }
        }
    }

    /** Fails unless the array beyond {@code length} still holds {@code sentinel}. */
    static void assertUntouchedFrom(float[] array, int length, float sentinel, String what) {
        for (int i = length; i < array.length; i++) {
            if (Float.floatToIntBits(array[i]) != Float.floatToIntBits(sentinel)) {
                fail(what + ": wrote past the end at " + i);
            }
        }
    }

    /** Asserts that {@code call} throws {@code type} with a message containing {@code fragment}. */
    static void assertMessage(Class<? extends RuntimeException> type, String fragment, Runnable call) {
        RuntimeException e = assertThrows(type, call::run);
        assertTrue(e.getMessage() != null && e.getMessage().contains(fragment),
                () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
