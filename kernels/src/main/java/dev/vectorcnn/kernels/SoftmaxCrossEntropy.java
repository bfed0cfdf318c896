package dev.vectorcnn.kernels;

/**
 * Fused softmax and sparse cross-entropy with integer labels, forward and backward in one pass:
 * logits {@code [batch, classes]}, labels {@code [batch]}, returns the mean loss, as
 * {@code tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))}.
 *
 * <p>Numerically stable by log-sum-exp: {@code loss_b = log(sum_j exp(x_bj - max_b)) - (x_b,label - max_b)},
 * so no exponential overflows (logits of 1e4 give the exact loss). A row's loss is a float, so, as in
 * TensorFlow, it is infinite only where {@code max_b - x_b,label} itself overflows (logits spread by more
 * than {@code Float.MAX_VALUE}). The gradient of the mean loss is
 * {@code (softmax - onehot) * (1 / batch)}, scaled by the float {@code 1 / batch} as TensorFlow's
 * reduce_mean gradient does.
 *
 * <p>The mean is summed in double over fixed chunks of 64 rows, chunk sums then added in chunk order:
 * the chunking depends only on the batch, so the loss is bitwise identical for any thread count. A batch
 * computed in parts ({@link #forwardBackwardPart}) gets each part's sum the same way, and its caller adds
 * the parts in a fixed order. The fast path agrees with the scalar reference to a few ulps relative, plus
 * {@code Float.MIN_NORMAL} absolute in the gradient (its {@code exp} flushes subnormal results to 0, as
 * {@link Softmax} says); each path uses one {@code exp} for every class, so equal logits in a row get
 * bitwise equal gradients.
 */
public final class SoftmaxCrossEntropy {

    /** Rows per chunk of the loss reduction (fixed, so results do not depend on the thread count). */
    static final int ROWS_PER_CHUNK = 64;

    private SoftmaxCrossEntropy() {
    }

    /**
     * Mean cross-entropy over the batch; if {@code logitsGrad} is not null it is overwritten with the
     * gradient of that mean with respect to the logits. {@code logitsGrad} may be {@code logits} itself.
     *
     * @param batch      examples, the rows of {@code logits}; positive
     * @param classes    logits per example; positive
     * @param logits     {@code [batch, classes]}, at least {@code batch * classes} elements
     * @param labels     {@code [batch]} class indices in {@code [0, classes)}
     * @param logitsGrad null, or at least {@code batch * classes} elements
     * @return the mean loss over the {@code batch} examples
     * @throws IllegalArgumentException if batch or classes is not positive, an array is too short, or a
     *                                  label is outside {@code [0, classes)}; nothing is written then
     * @throws NullPointerException     if logits or labels is null
     */
    public static float forwardBackward(int batch, int classes, float[] logits, int[] labels, float[] logitsGrad) {
        return (float) (forwardBackwardPart(batch, batch, classes, logits, labels, logitsGrad) / batch);
    }

    /**
     * For a batch computed in parts: the summed (not mean) cross-entropy of {@code rows} examples of a
     * batch of {@code batch}, and, if {@code logitsGrad} is not null, the gradient of the whole batch's mean
     * loss with respect to these rows' logits, {@code (softmax - onehot) * (1 / batch)}. Each row's
     * gradient is bitwise what {@link #forwardBackward} gives it when the batch is computed whole; the
     * batch's mean loss is the parts' sums, added in a fixed order, divided by {@code batch}.
     *
     * @param rows       the examples of this part, {@code 1 <= rows <= batch}
     * @param batch      the examples of the whole batch, whose mean loss the gradient is of
     * @param classes    logits per example; positive
     * @param logits     {@code [rows, classes]}, at least {@code rows * classes} elements
     * @param labels     {@code [rows]} class indices in {@code [0, classes)}
     * @param logitsGrad null, or at least {@code rows * classes} elements; may be {@code logits} itself
     * @return the summed (not mean) loss of these {@code rows} examples, in double
     * @throws IllegalArgumentException if rows, batch or classes is not positive, rows exceeds batch, an
     *                                  array is too short, or a label is outside {@code [0, classes)};
     *                                  nothing is written then
     * @throws NullPointerException     if logits or labels is null
     */
    public static double forwardBackwardPart(int rows, int batch, int classes, float[] logits, int[] labels,
                                             float[] logitsGrad) {
        Checks.positive("batch", batch);
        Checks.positive("rows", rows);
        Checks.positive("classes", classes);
        if (rows > batch) {
            throw new IllegalArgumentException("rows (" + rows + ") must not exceed batch (" + batch + ")");
        }
        // A length that passes the array checks below fits an int.
        long length = (long) rows * classes;
        Checks.atLeast("logits", logits, length);
        Checks.atLeast("labels", labels, rows);
        if (logitsGrad != null) {
            Checks.atLeast("logitsGrad", logitsGrad, length);
        }
        checkLabels(rows, classes, labels);
        boolean vector = KernelBackend.isVectorized();
        float gradScale = 1f / batch;
        int chunks = (rows - 1) / ROWS_PER_CHUNK + 1;
        double[] chunkSums = new double[chunks];
        java.util.function.IntConsumer chunkLoss = chunk -> {
            double sum = 0;
            for (int b = chunk * ROWS_PER_CHUNK, end = (int) Math.min(rows, (long) b + ROWS_PER_CHUNK); b < end; b++) {
                sum += vector
                        ? VectorSoftmax.crossEntropyRow(classes, logits, b * classes, labels[b], logitsGrad, b * classes, gradScale)
                        : ScalarSoftmax.crossEntropyRow(classes, logits, b * classes, labels[b], logitsGrad, b * classes, gradScale);
            }
            chunkSums[chunk] = sum;
        };
        if (length * 3 >= FixedChunks.PARALLEL_MIN_WORK) {
            KernelThreads.parallelFor(chunks, chunkLoss);
        } else {
            for (int chunk = 0; chunk < chunks; chunk++) {
                chunkLoss.accept(chunk);
            }
        }
        double total = 0;
        for (double chunkSum : chunkSums) {
            total += chunkSum;
        }
        return total;
    }

    /** Every label in {@code [0, classes)}, checked before anything is written. */
    static void checkLabels(int batch, int classes, int[] labels) {
        for (int b = 0; b < batch; b++) {
            if (labels[b] < 0 || labels[b] >= classes) {
                throw new IllegalArgumentException("labels[" + b + "] = " + labels[b] + " is outside [0, " + classes + ")");
            }
        }
    }
}
