package dev.vectorcnn.kernels;

/** How many logits of a row beat a target, written plainly: the reference for {@link VectorAccuracy}. */
final class ScalarAccuracy {

    private ScalarAccuracy() {
    }

    /** The number of {@code logits[start .. start + count)} strictly greater than {@code target}. */
    static int countGreater(float[] logits, int start, int count, float target) {
        int greater = 0;
        for (int i = start; i < start + count; i++) {
            if (logits[i] > target) {
                greater++;
            }
        }
        return greater;
    }
}
