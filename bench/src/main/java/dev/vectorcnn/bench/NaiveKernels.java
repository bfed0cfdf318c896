package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.Conv2dShape;
import dev.vectorcnn.kernels.Pool2dShape;
import java.util.Arrays;

/**
 * The textbook loops a user would write without the library: the "reference" baseline. Single
 * threaded, plain Java; C2 may auto-vectorise the innermost loops, as it would for the user.
 */
final class NaiveKernels {

    private NaiveKernels() {
    }

    /** {@code c[m x n] = a[m x k] * b[k x n]}, row-major, i-p-j order. */
    static void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bRow = p * n;
                int cRow = i * n;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += aip * b[bRow + j];
                }
            }
        }
    }

    /** {@code values[i][j] = max(values[i][j] + bias[j], 0)} over rows of {@code columns}. */
    static void biasRelu(float[] values, float[] bias, int columns) {
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(values[i] + bias[i % columns], 0f);
        }
    }

    /** {@code sums[j] = sum over rows of values[i][j]}. */
    static void columnSums(float[] values, int columns, float[] sums) {
        Arrays.fill(sums, 0, columns, 0f);
        for (int i = 0; i < values.length; i++) {
            sums[i % columns] += values[i];
        }
    }

    /** Direct convolution, NHWC input, HWIO filter, bias then ReLU. */
    static void conv2dForward(Conv2dShape s, float[] input, float[] filter, float[] bias, float[] output) {
        int padTop = s.padTop();
        int padLeft = s.padLeft();
        int c = s.inChannels();
        int oc = s.outChannels();
        float[] sums = new float[oc];
        for (int n = 0; n < s.batch(); n++) {
            for (int oy = 0; oy < s.outHeight(); oy++) {
                for (int ox = 0; ox < s.outWidth(); ox++) {
                    System.arraycopy(bias, 0, sums, 0, oc);
                    for (int ky = 0; ky < s.filterHeight(); ky++) {
                        int iy = oy * s.strideHeight() - padTop + ky;
                        if (iy < 0 || iy >= s.inHeight()) {
                            continue;
                        }
                        for (int kx = 0; kx < s.filterWidth(); kx++) {
                            int ix = ox * s.strideWidth() - padLeft + kx;
                            if (ix < 0 || ix >= s.inWidth()) {
                                continue;
                            }
                            int in = ((n * s.inHeight() + iy) * s.inWidth() + ix) * c;
                            int f = (ky * s.filterWidth() + kx) * c * oc;
                            for (int ci = 0; ci < c; ci++) {
                                float x = input[in + ci];
                                for (int o = 0; o < oc; o++) {
                                    sums[o] += x * filter[f + ci * oc + o];
                                }
                            }
                        }
                    }
                    int out = ((n * s.outHeight() + oy) * s.outWidth() + ox) * oc;
                    for (int o = 0; o < oc; o++) {
                        output[out + o] = Math.max(sums[o], 0f);
                    }
                }
            }
        }
    }

    /** Max pooling without padding cells; {@code argmax} receives the input index of each output's maximum. */
    static void maxPoolForward(Pool2dShape s, float[] input, float[] output, int[] argmax) {
        int padTop = s.padTop();
        int padLeft = s.padLeft();
        int c = s.channels();
        int out = 0;
        for (int n = 0; n < s.batch(); n++) {
            for (int oy = 0; oy < s.outHeight(); oy++) {
                for (int ox = 0; ox < s.outWidth(); ox++) {
                    for (int ch = 0; ch < c; ch++, out++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int bestIndex = -1;
                        for (int ky = 0; ky < s.windowHeight(); ky++) {
                            int iy = oy * s.strideHeight() - padTop + ky;
                            for (int kx = 0; kx < s.windowWidth(); kx++) {
                                int ix = ox * s.strideWidth() - padLeft + kx;
                                if (iy >= 0 && iy < s.inHeight() && ix >= 0 && ix < s.inWidth()) {
                                    int index = ((n * s.inHeight() + iy) * s.inWidth() + ix) * c + ch;
                                    if (bestIndex < 0 || input[index] > best) {
                                        best = input[index];
                                        bestIndex = index;
                                    }
                                }
                            }
                        }
                        output[out] = best;
                        argmax[out] = bestIndex;
                    }
                }
            }
        }
    }

    /** Routes each output gradient to its window's maximum, recorded by {@link #maxPoolForward}. */
    static void maxPoolBackward(float[] outputGrad, int[] argmax, float[] inputGrad) {
        Arrays.fill(inputGrad, 0f);
        for (int i = 0; i < argmax.length; i++) {
            inputGrad[argmax[i]] += outputGrad[i];
        }
    }

    /** {@code output = relu(input[batch x in] * weights[in x out] + bias)}. */
    static void denseForward(int batch, int in, int out, float[] input, float[] weights, float[] bias, float[] output) {
        gemm(batch, out, in, input, weights, output);
        biasRelu(output, bias, out);
    }
}
