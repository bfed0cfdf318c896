package dev.vectorcnn.kernels;

import java.util.Arrays;

/**
 * The direct convolution loops: the fallback when the Vector API is absent and the plain reference
 * {@link VectorConv2d} is tested against. Never touches {@code jdk.incubator.vector}. Arguments are
 * trusted (checked by {@link Conv2d}).
 *
 * <p>Each method is the textbook seven-loop nest over (n, oh, ow, kh, kw, c, oc); padded taps are
 * skipped, which is the same as multiplying by zero while the filter is finite (see {@link Conv2d} for
 * non-finite filters). Single-threaded, so trivially deterministic.
 */
final class ScalarConv2d {

    private ScalarConv2d() {
    }

    /** {@code output[n,oh,ow,oc] = act(bias[oc] + sum over kh,kw,c of input[n,ih,iw,c] * filter[kh,kw,c,oc])}. */
    static void forward(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu, float[] output) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int oc = s.outChannels();
        float[] sums = new float[oc];
        for (int n = 0; n < s.batch(); n++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    Arrays.fill(sums, 0f);
                    for (int kh = 0; kh < s.filterHeight(); kh++) {
                        int ih = y * s.strideHeight() - s.padTop() + kh;
                        if (ih < 0 || ih >= s.inHeight()) {
                            continue;
                        }
                        for (int kw = 0; kw < s.filterWidth(); kw++) {
                            int iw = x * s.strideWidth() - s.padLeft() + kw;
                            if (iw < 0 || iw >= s.inWidth()) {
                                continue;
                            }
                            for (int c = 0; c < s.inChannels(); c++) {
                                float v = input[inputIndex(s, n, ih, iw, c)];
                                int w = filterIndex(s, kh, kw, c);
                                for (int o = 0; o < oc; o++) {
                                    sums[o] += v * filter[w + o];
                                }
                            }
                        }
                    }
                    int out = ((n * oh + y) * ow + x) * oc;
                    for (int o = 0; o < oc; o++) {
                        float v = bias == null ? sums[o] : sums[o] + bias[o];
                        output[out + o] = relu ? Math.max(v, 0f) : v;
                    }
                }
            }
        }
    }

    /** {@code inputGrad[n,ih,iw,c] = sum over the windows covering it of outputGrad[n,oh,ow,oc] * filter[kh,kw,c,oc]}. */
    static void backwardInput(Conv2dShape s, float[] filter, float[] outputGrad, float[] inputGrad) {
        Arrays.fill(inputGrad, 0, s.inputLength(), 0f);
        int oh = s.outHeight();
        int ow = s.outWidth();
        int oc = s.outChannels();
        for (int n = 0; n < s.batch(); n++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int g = ((n * oh + y) * ow + x) * oc;
                    for (int kh = 0; kh < s.filterHeight(); kh++) {
                        int ih = y * s.strideHeight() - s.padTop() + kh;
                        if (ih < 0 || ih >= s.inHeight()) {
                            continue;
                        }
                        for (int kw = 0; kw < s.filterWidth(); kw++) {
                            int iw = x * s.strideWidth() - s.padLeft() + kw;
                            if (iw < 0 || iw >= s.inWidth()) {
                                continue;
                            }
                            for (int c = 0; c < s.inChannels(); c++) {
                                int w = filterIndex(s, kh, kw, c);
                                float sum = 0f;
                                for (int o = 0; o < oc; o++) {
                                    sum += outputGrad[g + o] * filter[w + o];
                                }
                                inputGrad[inputIndex(s, n, ih, iw, c)] += sum;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code filterGrad[kh,kw,c,oc] = sum over n,oh,ow of input[n,ih,iw,c] * outputGrad[n,oh,ow,oc]} and
     * {@code biasGrad[oc] = sum over n,oh,ow of outputGrad[n,oh,ow,oc]} (when not null).
     */
    static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                               float[] biasGrad) {
        Arrays.fill(filterGrad, 0, s.filterLength(), 0f);
        int oh = s.outHeight();
        int ow = s.outWidth();
        int oc = s.outChannels();
        for (int n = 0; n < s.batch(); n++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int g = ((n * oh + y) * ow + x) * oc;
                    for (int kh = 0; kh < s.filterHeight(); kh++) {
                        int ih = y * s.strideHeight() - s.padTop() + kh;
                        if (ih < 0 || ih >= s.inHeight()) {
                            continue;
                        }
                        for (int kw = 0; kw < s.filterWidth(); kw++) {
                            int iw = x * s.strideWidth() - s.padLeft() + kw;
                            if (iw < 0 || iw >= s.inWidth()) {
                                continue;
                            }
                            for (int c = 0; c < s.inChannels(); c++) {
                                float v = input[inputIndex(s, n, ih, iw, c)];
                                int w = filterIndex(s, kh, kw, c);
                                for (int o = 0; o < oc; o++) {
                                    filterGrad[w + o] += v * outputGrad[g + o];
                                }
                            }
                        }
                    }
                }
            }
        }
        if (biasGrad != null) {
            Arrays.fill(biasGrad, 0, oc, 0f);
            for (int g = 0; g < s.outputLength(); g += oc) {
                for (int o = 0; o < oc; o++) {
                    biasGrad[o] += outputGrad[g + o];
                }
            }
        }
    }

    private static int inputIndex(Conv2dShape s, int n, int ih, int iw, int c) {
        return ((n * s.inHeight() + ih) * s.inWidth() + iw) * s.inChannels() + c;
    }

    /** Where filter row {@code (kh, kw, c)} starts: its {@code OC} values follow, the loops add {@code o}. */
    private static int filterIndex(Conv2dShape s, int kh, int kw, int c) {
        return ((kh * s.filterWidth() + kw) * s.inChannels() + c) * s.outChannels();
    }
}
