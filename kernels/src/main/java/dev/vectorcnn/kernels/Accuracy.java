package dev.vectorcnn.kernels;

/**
 * Top-1 accuracy count: logits {@code [batch, classes]}, labels {@code [batch]}, returns how many rows
 * have their label in the top 1, with the semantics of {@code tf.nn.in_top_k(predictions, targets, k=1)}:
 * a row counts when every logit in it is finite and none is strictly greater than its label's, so a tie
 * with the maximum counts as correct, and a row with a NaN or infinite logit anywhere counts as wrong
 * (TensorFlow's kernel "cannot say" for such a row and answers false).
 *
 * <p>Unlike {@code in_top_k}, which answers false for a target outside {@code [0, classes)}, such a label
 * is rejected, as {@link SoftmaxCrossEntropy} rejects it: it is a bug in the caller's data.
 */
public final class Accuracy {

    private Accuracy() {
    }

    /**
     * The number of rows {@code b} whose logits are all finite with no
     * {@code logits[b, j] > logits[b, labels[b]]}.
     *
     * @param batch   examples, the rows of {@code logits}; positive
     * @param classes logits per example; positive
     * @param logits  {@code [batch, classes]}, at least {@code batch * classes} elements
     * @param labels  {@code [batch]} class indices in {@code [0, classes)}
     * @return the number of correct rows, from 0 to {@code batch}
     * @throws IllegalArgumentException if batch or classes is not positive, an array is too short, or a
     *                                  label is outside {@code [0, classes)}
     * @throws NullPointerException     if an array is null
     */
    public static int top1Correct(int batch, int classes, float[] logits, int[] labels) {
        Checks.positive("batch", batch);
        Checks.positive("classes", classes);
        Checks.atLeast("logits", logits, (long) batch * classes);
        Checks.atLeast("labels", labels, batch);
        SoftmaxCrossEntropy.checkLabels(batch, classes, labels);
        boolean vector = KernelBackend.isVectorized();
        int correct = 0;
        for (int b = 0; b < batch; b++) {
            float target = logits[b * classes + labels[b]];
            boolean top1 = Float.isFinite(target) && (vector
                    ? VectorAccuracy.allFiniteAndAtMost(logits, b * classes, classes, target)
                    : ScalarAccuracy.allFiniteAndAtMost(logits, b * classes, classes, target));
            if (top1) {
                correct++;
            }
        }
        return correct;
    }
}
