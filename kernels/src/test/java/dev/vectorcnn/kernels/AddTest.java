package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.U;
import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Add}: {@code sum += addend} against double, the scalar reference, and validation. */
class AddTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void sum_matches_double_and_scalar_reference_for_sizes_around_the_vector_length() {
        SplittableRandom random = new SplittableRandom(31);
        for (int n : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 1000}) {
            float[] sum = TestArrays.uniform(random, n + 2), addend = TestArrays.uniform(random, n + 2);
            float[] reference = sum.clone();
            float[] before = sum.clone();
            Add.inPlace(sum, addend, n);
            ScalarAdd.inPlace(reference, addend, 0, n);
            TestArrays.assertBitwise(reference, sum, n + 2, "n=" + n);
            for (int i = 0; i < n; i++) {
                double expected = (double) before[i] + addend[i];
                assertEquals(expected, sum[i], U * Math.abs(expected), "sum[" + i + "]");
            }
            assertEquals(before[n], sum[n], "element n is not written");
        }
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        int n = (1 << 18) + 5;
        SplittableRandom random = new SplittableRandom(32);
        float[] start = TestArrays.uniform(random, n), addend = TestArrays.uniform(random, n);
        TestArrays.assertSameForThreadCounts(n, () -> {
            float[] sum = start.clone();
            Add.inPlace(sum, addend, n);
            return sum;
        });
    }

    /**
     * Every array passed to a rejected call, the too-short ones included, is left as it was. The addends
     * are non-zero: adding zeros before the checks would change nothing and go unseen.
     */
    @Test
    void rejects_bad_arguments_and_writes_nothing() {
        float[] sum = TestArrays.filled(4, 1f);
        float[] addend = TestArrays.filled(4, 2f), shortAddend = TestArrays.filled(3, 2f);
        float[] longAddend = TestArrays.filled(5, 2f), sumForNull = TestArrays.filled(4, 1f);
        assertMessage(IllegalArgumentException.class, "n must be >= 0, got -1", () -> Add.inPlace(sum, addend, -1));
        assertMessage(IllegalArgumentException.class, "addend too short: needs 4 elements, got 3",
                () -> Add.inPlace(sum, shortAddend, 4));
        assertMessage(IllegalArgumentException.class, "sum too short: needs 5 elements, got 4",
                () -> Add.inPlace(sum, longAddend, 5));
        assertMessage(NullPointerException.class, "addend", () -> Add.inPlace(sumForNull, null, 4));
        assertMessage(NullPointerException.class, "sum", () -> Add.inPlace(null, addend, 4));
        TestArrays.assertUntouchedFrom(sum, 0, 1f, "sum");
        TestArrays.assertUntouchedFrom(sumForNull, 0, 1f, "sum of the null-addend call");
        TestArrays.assertUntouchedFrom(addend, 0, 2f, "addend");
        TestArrays.assertUntouchedFrom(shortAddend, 0, 2f, "too-short addend");
        TestArrays.assertUntouchedFrom(longAddend, 0, 2f, "addend of the too-short sum");
    }
}
