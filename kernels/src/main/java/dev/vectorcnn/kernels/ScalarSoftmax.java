package dev.vectorcnn.kernels;

/**
 * Softmax and softmax cross-entropy of one row of logits, written plainly: the fallback without the
 * Vector API and the reference for {@link VectorSoftmax}. Arguments are trusted.
 *
 * <p>Both subtract the row maximum before {@code exp} (so no {@code exp} overflows and the largest term
 * is 1), sum the exponentials in float in index order, and follow TensorFlow's kernels: softmax
 * multiplies by {@code 1 / sum}; cross-entropy is {@code log(sum) - (x[label] - max)} with gradient
 * {@code exp(x - max) / sum - onehot}.
 *
 * <p>{@link Math#exp} keeps subnormal results (a class more than about 87.3 below the maximum), where
 * {@link VectorExp} flushes them to 0; the paths therefore agree to a few ulps relative plus
 * {@code Float.MIN_NORMAL} absolute. Within either path every class goes through the same {@code exp}.
 */
final class ScalarSoftmax {

    private ScalarSoftmax() {
    }

    /** {@code probs[p + j] = softmax(logits[x .. x + classes))[j]}; the two ranges may be the same. */
    static void softmaxRow(int classes, float[] logits, int x, float[] probs, int p) {
        float max = max(logits, x, x + classes);
        float sum = 0f;
        for (int j = 0; j < classes; j++) {
            float e = (float) Math.exp(logits[x + j] - max);
            probs[p + j] = e;
            sum += e;
        }
        float inverse = 1f / sum;
        for (int j = 0; j < classes; j++) {
            probs[p + j] *= inverse;
        }
    }

    /**
     * Cross-entropy of row {@code logits[x .. x + classes)} against {@code label}; when {@code grad} is
     * not null also writes {@code (softmax - onehot) * gradScale} at {@code grad[g ..]}, a range that may
     * be the logits' own.
     */
    static float crossEntropyRow(int classes, float[] logits, int x, int label, float[] grad, int g, float gradScale) {
        float max = max(logits, x, x + classes);
        float shiftedLabel = logits[x + label] - max;
        float sum = 0f;
        for (int j = 0; j < classes; j++) {
            float e = (float) Math.exp(logits[x + j] - max);
            if (grad != null) {
                grad[g + j] = e;
            }
            sum += e;
        }
        if (grad != null) {
            for (int j = 0; j < classes; j++) {
                grad[g + j] = (grad[g + j] / sum - (j == label ? 1f : 0f)) * gradScale;
            }
        }
        return (float) Math.log(sum) - shiftedLabel;
    }

    /** Largest of {@code values[start, end)} by {@link Math#max} (a NaN makes the row NaN, as in TensorFlow). */
    static float max(float[] values, int start, int end) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = start; i < end; i++) {
            max = Math.max(max, values[i]);
        }
        return max;
    }
}
