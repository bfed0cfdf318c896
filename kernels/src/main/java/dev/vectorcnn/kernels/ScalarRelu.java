package dev.vectorcnn.kernels;

/**
 * ReLU written plainly: the fallback without the Vector API and the reference for {@link VectorRelu}.
 * Works on {@code [start, end)}; arguments are trusted (checked by {@link Relu}).
 */
final class ScalarRelu {

    private ScalarRelu() {
    }

    static void forward(float[] x, float[] y, int start, int end) {
        for (int i = start; i < end; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    static void backward(float[] y, float[] dy, float[] dx, int start, int end) {
        for (int i = start; i < end; i++) {
            // A product, not a select, as TensorFlow's ReluGrad: a dead unit passes dy * 0, which is NaN
            // for a NaN or infinite dy and -0.0 for a negative one.
            dx[i] = dy[i] * (y[i] > 0f ? 1f : 0f);
        }
    }
}
