package dev.vectorcnn.kernels;

/**
 * Element-wise accumulation on flat arrays: {@code sum[i] += addend[i]}, as TensorFlow adds the
 * gradients of one variable. A model that computes a batch's gradients in several parts adds the parts
 * up with it. The fast path ({@link VectorAdd}) gives the same bits as {@link ScalarAdd}: each element
 * is one float addition.
 */
public final class Add {

    private Add() {
    }

    /**
     * {@code sum[i] += addend[i]} for {@code i < n}.
     *
     * @param sum    accumulator, at least {@code n} elements, updated in place
     * @param addend added to {@code sum}, at least {@code n} elements
     * @param n      count of elements, from index 0; not negative
     * @throws IllegalArgumentException if n is negative or an array is shorter than n; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void inPlace(float[] sum, float[] addend, int n) {
        Checks.nonNegative("n", n);
        Checks.atLeast("sum", sum, n);
        Checks.atLeast("addend", addend, n);
        FixedChunks.run(n, 1, KernelBackend.isVectorized()
                ? (start, end) -> VectorAdd.inPlace(sum, addend, start, end)
                : (start, end) -> ScalarAdd.inPlace(sum, addend, start, end));
    }
}
