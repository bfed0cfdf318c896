package dev.vectorcnn.kernels;

/**
 * Average pooling written plainly, one output element at a time: the fallback without the Vector API
 * and the reference {@link VectorAvgPool2d} is tested against. Arguments are trusted (checked by
 * {@link AvgPool2d}).
 *
 * <p>As in TensorFlow's CPU kernels, the forward pass sums the window's real cells in row-major order
 * from 0 and divides by their count; the backward pass adds {@code outputGrad * (float) (1.0 / count)}
 * to each real cell, window by window in row-major order.
 */
final class ScalarAvgPool2d {

    private ScalarAvgPool2d() {
    }

    static void forward(Pool2dShape s, float[] input, float[] output) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        FixedChunks.run(s.batch(), (long) outH * outW * channels * s.windowHeight() * s.windowWidth(), (first, end) -> {
            for (int b = first; b < end; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        Window w = Window.of(s, b, oh, ow);
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            output[o + c] = windowSum(input, w.first + c, w.rows, w.cols, w.rowStride, channels) / w.count();
                        }
                    }
                }
            }
        });
    }

    static void backward(Pool2dShape s, float[] outputGrad, float[] inputGrad) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        int imageLength = s.inHeight() * s.inWidth() * channels;
        FixedChunks.run(s.batch(), (long) outH * outW * channels * s.windowHeight() * s.windowWidth(), (first, end) -> {
            java.util.Arrays.fill(inputGrad, first * imageLength, end * imageLength, 0f);
            for (int b = first; b < end; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        Window w = Window.of(s, b, oh, ow);
                        float scale = reciprocal(w.count());
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            float g = outputGrad[o + c] * scale;
                            for (int i = 0; i < w.rows; i++) {
                                for (int j = 0, cell = w.first + c + i * w.rowStride; j < w.cols; j++, cell += channels) {
                                    inputGrad[cell] += g;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * Sum from 0 of a window of real cells: {@code rows x cols} cells from {@code first},
     * {@code rowStride} apart between rows and {@code pixelStride} within a row. Also the scalar channel
     * tail of {@link VectorAvgPool2d}.
     */
    static float windowSum(float[] input, int first, int rows, int cols, int rowStride, int pixelStride) {
        float sum = 0f;
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                sum += input[cell];
            }
        }
        return sum;
    }

    /** TensorFlow's backward scale: {@code 1 / count} computed in double, then rounded to float. */
    static float reciprocal(int count) {
        return (float) (1.0 / count);
    }

    /** The real cells of one window: {@code rows x cols} from index {@code first} (channel 0). */
    private record Window(int first, int rows, int cols, int rowStride) {
        static Window of(Pool2dShape s, int b, int oh, int ow) {
            int hStart = oh * s.strideHeight() - s.padTop();
            int wStart = ow * s.strideWidth() - s.padLeft();
            int h0 = Math.max(hStart, 0), h1 = Math.min(hStart + s.windowHeight(), s.inHeight());
            int w0 = Math.max(wStart, 0), w1 = Math.min(wStart + s.windowWidth(), s.inWidth());
            return new Window(((b * s.inHeight() + h0) * s.inWidth() + w0) * s.channels(), h1 - h0, w1 - w0,
                    s.inWidth() * s.channels());
        }

        int count() {
            return rows * cols;
        }
    }
}
