package dev.vectorcnn.kernels;

/** Double-precision softmax and cross-entropy, written from their definitions, for the softmax tests. */
final class SoftmaxCases {

    /** Class counts below, at and above every vector length, MNIST's 10, and a wide 100. */
    static final int[] CLASSES = {1, 3, 10, 15, 16, 17, 33, 100};

    private SoftmaxCases() {
    }

    /** Softmax of row b in double, shifted by the row maximum. */
    static double[] softmax(float[] logits, int b, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, logits[b * classes + j]);
        }
        double sum = 0;
        double[] p = new double[classes];
        for (int j = 0; j < classes; j++) {
            p[j] = Math.exp(logits[b * classes + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < classes; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** Mean over the batch of log(sum exp x) - x[label], by log-sum-exp in double. */
    static double meanLoss(double[] logits, int batch, int classes, int[] labels) {
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, logits[b * classes + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[b * classes + j] - max);
            }
            total += Math.log(sum) + max - logits[b * classes + labels[b]];
        }
        return total / batch;
    }

    /** Logits uniform in [-scale, scale). */
    static float[] logits(java.util.SplittableRandom random, int length, double scale) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    static int[] labels(java.util.SplittableRandom random, int batch, int classes) {
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = random.nextInt(classes);
        }
        return labels;
    }
}
