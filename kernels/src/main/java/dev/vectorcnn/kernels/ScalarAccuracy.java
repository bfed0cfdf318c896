package dev.vectorcnn.kernels;

/** Whether a row's logits let a target be top 1, written plainly: the reference for {@link VectorAccuracy}. */
final class ScalarAccuracy {

    private ScalarAccuracy() {
    }

    /** Whether every one of {@code logits[start .. start + count)} is finite and at most {@code target}. */
    static boolean allFiniteAndAtMost(float[] logits, int start, int count, float target) {
        for (int i = start; i < start + count; i++) {
            if (!(Float.isFinite(logits[i]) && logits[i] <= target)) {
                return false;
            }
        }
        return true;
    }
}
