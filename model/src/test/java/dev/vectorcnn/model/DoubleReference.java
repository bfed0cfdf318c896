package dev.vectorcnn.model;

/**
 * Plain double-precision loops for the operations the model composes, written from TensorFlow's
 * definitions and independent of the kernels: the yardstick for the gradient checks.
 * All tensors are NHWC / HWIO / [in, out], like the library.
 */
final class DoubleReference {

    private DoubleReference() {
    }

    /** TensorFlow's output size: SAME {@code ceil(in / s)}, VALID {@code floor((in - k) / s) + 1}. */
    static int outSize(boolean same, int in, int k, int s) {
        return same ? (in + s - 1) / s : (in - k) / s + 1;
    }

    /** TensorFlow's leading padding: half of {@code max((out - 1) * s + k - in, 0)}, rounded down. */
    static int padBefore(boolean same, int in, int k, int s) {
        return same ? Math.max((outSize(true, in, k, s) - 1) * s + k - in, 0) / 2 : 0;
    }

    static double[] conv(double[] x, int n, int h, int w, int c, double[] filter, double[] bias, int kh, int kw,
            int oc, int sh, int sw, boolean same, boolean relu) {
        int oh = outSize(same, h, kh, sh);
        int ow = outSize(same, w, kw, sw);
        int pt = padBefore(same, h, kh, sh);
        int pl = padBefore(same, w, kw, sw);
        double[] y = new double[n * oh * ow * oc];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int o = 0; o < oc; o++) {
                        double sum = bias == null ? 0 : bias[o];
                        for (int u = 0; u < kh; u++) {
                            for (int v = 0; v < kw; v++) {
                                int r = i * sh + u - pt;
                                int q = j * sw + v - pl;
                                if (r < 0 || r >= h || q < 0 || q >= w) {
                                    continue;
                                }
                                for (int ch = 0; ch < c; ch++) {
                                    sum += x[((b * h + r) * w + q) * c + ch] * filter[((u * kw + v) * c + ch) * oc + o];
                                }
                            }
                        }
                        y[((b * oh + i) * ow + j) * oc + o] = relu ? Math.max(sum, 0) : sum;
                    }
                }
            }
        }
        return y;
    }

    /** Max or average pooling; padded cells are skipped (never the max, not counted in the mean). */
    static double[] pool(double[] x, int n, int h, int w, int c, int kh, int kw, int sh, int sw, boolean same,
            boolean max) {
        int oh = outSize(same, h, kh, sh);
        int ow = outSize(same, w, kw, sw);
        int pt = padBefore(same, h, kh, sh);
        int pl = padBefore(same, w, kw, sw);
        double[] y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        int count = 0;
                        for (int u = 0; u < kh; u++) {
                            for (int v = 0; v < kw; v++) {
                                int r = i * sh + u - pt;
                                int q = j * sw + v - pl;
                                if (r < 0 || r >= h || q < 0 || q >= w) {
                                    continue;
                                }
                                double value = x[((b * h + r) * w + q) * c + ch];
                                acc = max ? Math.max(acc, value) : acc + value;
                                count++;
                            }
                        }
                        y[((b * oh + i) * ow + j) * c + ch] = max ? acc : acc / count;
                    }
                }
            }
        }
        return y;
    }

    static double[] dense(double[] x, int n, int in, int out, double[] weights, double[] bias, boolean relu) {
        double[] y = new double[n * out];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                double sum = bias[o];
                for (int i = 0; i < in; i++) {
                    sum += x[b * in + i] * weights[i * out + o];
                }
                y[b * out + o] = relu ? Math.max(sum, 0) : sum;
            }
        }
        return y;
    }

    static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(x[i], 0);
        }
        return y;
    }

    /** Mean over the batch of {@code -log softmax(logits)[label]}, via log-sum-exp. */
    static double crossEntropy(double[] logits, int n, int classes, int[] labels) {
        double total = 0;
        for (int b = 0; b < n; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[b * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[b * classes + k] - max);
            }
            total += max + Math.log(sum) - logits[b * classes + labels[b]];
        }
        return total / n;
    }

    static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
