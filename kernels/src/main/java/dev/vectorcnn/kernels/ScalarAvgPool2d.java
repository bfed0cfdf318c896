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
        int rowStride = s.inWidth() * channels;
        FixedChunks.run(s.batch(), s.workPerImage(), (firstImage, endImage) -> {
            for (int b = firstImage; b < endImage; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    int hStart = oh * s.strideHeight() - s.padTop();
                    int h0 = Math.max(hStart, 0), h1 = Pool2dShape.windowEnd(hStart, s.windowHeight(), s.inHeight());
                    for (int ow = 0; ow < outW; ow++) {
                        int wStart = ow * s.strideWidth() - s.padLeft();
                        int w0 = Math.max(wStart, 0), w1 = Pool2dShape.windowEnd(wStart, s.windowWidth(), s.inWidth());
                        int first = ((b * s.inHeight() + h0) * s.inWidth() + w0) * channels;
                        int count = (h1 - h0) * (w1 - w0);
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            output[o + c] = windowSum(input, first + c, h1 - h0, w1 - w0, rowStride, channels) / count;
                        }
                    }
                }
            }
        });
    }

    static void backward(Pool2dShape s, float[] outputGrad, float[] inputGrad) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        int rowStride = s.inWidth() * channels;
        int imageLength = s.inHeight() * s.inWidth() * channels;
        FixedChunks.run(s.batch(), s.workPerImage(), (firstImage, endImage) -> {
            java.util.Arrays.fill(inputGrad, firstImage * imageLength, endImage * imageLength, 0f);
            for (int b = firstImage; b < endImage; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    int hStart = oh * s.strideHeight() - s.padTop();
                    int h0 = Math.max(hStart, 0), h1 = Pool2dShape.windowEnd(hStart, s.windowHeight(), s.inHeight());
                    for (int ow = 0; ow < outW; ow++) {
                        int wStart = ow * s.strideWidth() - s.padLeft();
                        int w0 = Math.max(wStart, 0), w1 = Pool2dShape.windowEnd(wStart, s.windowWidth(), s.inWidth());
                        int first = ((b * s.inHeight() + h0) * s.inWidth() + w0) * channels;
                        float scale = reciprocal((h1 - h0) * (w1 - w0));
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            float g = outputGrad[o + c] * scale;
                            for (int i = h0; i < h1; i++) {
                                for (int j = w0, cell = first + c + (i - h0) * rowStride; j < w1; j++, cell += channels) {
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
}
