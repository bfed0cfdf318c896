package dev.vectorcnn.kernels;

/**
 * The rectified linear unit on flat arrays of {@code n} elements (any shape), forward and backward.
 *
 * <p>As {@code tf.nn.relu}: {@code max(x, 0)}, a NaN input stays NaN, and the gradient is TensorFlow's
 * {@code ReluGrad}, {@code dy * (y > 0 ? 1 : 0)}: zero at exactly 0, but a product, so at a dead unit a NaN
 * or infinite {@code dy} gives NaN and a negative {@code dy} gives {@code -0.0}.
 * The fast path ({@link VectorRelu}) gives results bitwise identical to {@link ScalarRelu}.
 */
public final class Relu {

    private Relu() {
    }

    /**
     * {@code y[i] = max(x[i], 0)} for {@code i < n}. {@code x} and {@code y} may be the same array.
     *
     * @param x input, at least {@code n} elements
     * @param y overwritten with the output, at least {@code n} elements
     * @param n count of elements, from index 0; not negative
     * @throws IllegalArgumentException if n is negative or an array is shorter than n; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void forward(float[] x, float[] y, int n) {
        Checks.nonNegative("n", n);
        Checks.atLeast("x", x, n);
        Checks.atLeast("y", y, n);
        FixedChunks.run(n, 1, KernelBackend.isVectorized()
                ? (start, end) -> VectorRelu.forward(x, y, start, end)
                : (start, end) -> ScalarRelu.forward(x, y, start, end));
    }

    /**
     * {@code dx[i] = dy[i] * (y[i] > 0 ? 1 : 0)} for {@code i < n}, where {@code y} is the forward
     * <em>output</em> ({@code y > 0} exactly when {@code x > 0}). As TensorFlow's {@code ReluGrad} it
     * multiplies rather than selects: where {@code y <= 0} (or is NaN), {@code dx} is {@code dy * 0}, that
     * is NaN for a NaN or infinite {@code dy}, {@code -0.0} for a negative {@code dy} and {@code +0.0}
     * otherwise. {@code dx} and {@code dy} may be the same array.
     *
     * @param y  the forward output, at least {@code n} elements
     * @param dy gradient of the output, at least {@code n} elements
     * @param dx overwritten with the gradient of the input, at least {@code n} elements
     * @param n  count of elements, from index 0; not negative
     * @throws IllegalArgumentException if n is negative or an array is shorter than n; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void backward(float[] y, float[] dy, float[] dx, int n) {
        Checks.nonNegative("n", n);
        Checks.atLeast("y", y, n);
        Checks.atLeast("dy", dy, n);
        Checks.atLeast("dx", dx, n);
        FixedChunks.run(n, 1, KernelBackend.isVectorized()
                ? (start, end) -> VectorRelu.backward(y, dy, dx, start, end)
                : (start, end) -> ScalarRelu.backward(y, dy, dx, start, end));
    }
}
