package dev.vectorcnn.kernels;

/**
 * Row-wise softmax: logits {@code [batch, classes]} to probabilities {@code [batch, classes]}, as
 * {@code tf.nn.softmax} over the last axis.
 *
 * <p>Numerically stable: each row's maximum is subtracted before {@code exp}, so large logits (1e4)
 * neither overflow nor lose the distribution. Each path uses one {@code exp} for every class, so equal
 * logits in a row get bitwise equal probabilities. The fast path ({@link VectorSoftmax}) agrees with
 * {@link ScalarSoftmax} to a few ulps relative, plus {@code Float.MIN_NORMAL} absolute: its {@code exp}
 * flushes results below {@code Float.MIN_NORMAL} (a class more than about 87.3 below the row's
 * maximum) to 0, where the scalar path's {@link Math#exp} returns a subnormal. Rows are independent,
 * so the result does not depend on the thread count.
 */
public final class Softmax {

    private Softmax() {
    }

    /**
     * {@code probs[b, j] = exp(logits[b, j] - max_b) / sum_k exp(logits[b, k] - max_b)}.
     * {@code logits} and {@code probs} may be the same array.
     *
     * @param batch   examples, the rows of {@code logits}; positive
     * @param classes logits per example; positive
     * @param logits  {@code [batch, classes]}, at least {@code batch * classes} elements
     * @param probs   overwritten with the probabilities {@code [batch, classes]}, at least {@code batch * classes}
     *                elements
     * @throws IllegalArgumentException if batch or classes is not positive or an array is shorter than
     *                                  {@code batch * classes}; nothing is written then
     * @throws NullPointerException     if an array is null
     */
    public static void forward(int batch, int classes, float[] logits, float[] probs) {
        Checks.positive("batch", batch);
        Checks.positive("classes", classes);
        // A length that passes the array checks below fits an int.
        long length = (long) batch * classes;
        Checks.atLeast("logits", logits, length);
        Checks.atLeast("probs", probs, length);
        boolean vector = KernelBackend.isVectorized();
        FixedChunks.run(batch, 3L * classes, (first, end) -> {
            for (int b = first; b < end; b++) {
                if (vector) {
                    VectorSoftmax.softmaxRow(classes, logits, b * classes, probs, b * classes);
                } else {
                    ScalarSoftmax.softmaxRow(classes, logits, b * classes, probs, b * classes);
                }
            }
        });
    }
}
