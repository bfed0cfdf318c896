package dev.vectorcnn.kernels;

/**
 * Max pooling written plainly, one output element at a time: the fallback without the Vector API
 * and the reference {@link VectorMaxPool2d} is tested against. Arguments are trusted (checked by
 * {@link MaxPool2d}).
 *
 * <p>Each window is scanned in row-major order over its real cells only (padding never wins), from
 * its first real cell, replacing the best with a cell only when that cell is strictly greater: the
 * first maximum wins ties, as in TensorFlow's MaxPoolGrad, and a NaN wins only as the first cell.
 */
final class ScalarMaxPool2d {

    private ScalarMaxPool2d() {
    }

    static void forward(Pool2dShape s, float[] input, float[] output) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        FixedChunks.run(s.batch(), s.workPerImage(), (first, end) -> {
            for (int b = first; b < end; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            output[o + c] = input[argmax(s, input, b, oh, ow, c)];
                        }
                    }
                }
            }
        });
    }

    static void backward(Pool2dShape s, float[] input, float[] outputGrad, float[] inputGrad) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        int imageLength = s.inHeight() * s.inWidth() * channels;
        FixedChunks.run(s.batch(), s.workPerImage(), (first, end) -> {
            java.util.Arrays.fill(inputGrad, first * imageLength, end * imageLength, 0f);
            for (int b = first; b < end; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            inputGrad[argmax(s, input, b, oh, ow, c)] += outputGrad[o + c];
                        }
                    }
                }
            }
        });
    }

    /**
     * {@link #forward} that also records, per output element, which cell of its window won: the cell's
     * row-major index within the full window (padding included), as an unsigned byte.
     */
    static void forward(Pool2dShape s, float[] input, float[] output, byte[] argmax) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        FixedChunks.run(s.batch(), s.workPerImage(), (first, end) -> {
            for (int b = first; b < end; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        int hStart = oh * s.strideHeight() - s.padTop();
                        int wStart = ow * s.strideWidth() - s.padLeft();
                        for (int c = 0; c < channels; c++) {
                            int cell = argmax(s, input, b, oh, ow, c);
                            int pixel = cell / channels;
                            int h = pixel / s.inWidth() % s.inHeight();
                            int w = pixel % s.inWidth();
                            output[o + c] = input[cell];
                            argmax[o + c] = (byte) ((h - hStart) * s.windowWidth() + (w - wStart));
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code inputGrad = 0}, then each {@code outputGrad} element is added at the window cell its
     * {@code argmax} byte names; a byte that names no real cell of the window adds nothing.
     */
    static void backward(Pool2dShape s, byte[] argmax, float[] outputGrad, float[] inputGrad) {
        int outH = s.outHeight(), outW = s.outWidth(), channels = s.channels();
        int imageLength = s.inHeight() * s.inWidth() * channels;
        FixedChunks.run(s.batch(), s.workPerImage(), (first, end) -> {
            java.util.Arrays.fill(inputGrad, first * imageLength, end * imageLength, 0f);
            for (int b = first; b < end; b++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int o = ((b * outH + oh) * outW + ow) * channels;
                        for (int c = 0; c < channels; c++) {
                            int index = Byte.toUnsignedInt(argmax[o + c]);
                            int h = oh * s.strideHeight() - s.padTop() + index / s.windowWidth();
                            int w = ow * s.strideWidth() - s.padLeft() + index % s.windowWidth();
                            if (index < s.windowHeight() * s.windowWidth()
                                    && h >= 0 && h < s.inHeight() && w >= 0 && w < s.inWidth()) {
                                inputGrad[((b * s.inHeight() + h) * s.inWidth() + w) * channels + c] += outputGrad[o + c];
                            }
                        }
                    }
                }
            }
        });
    }

    /** Index in {@code input} of the first maximum of window (oh, ow) of image b, channel c. */
    private static int argmax(Pool2dShape s, float[] input, int b, int oh, int ow, int c) {
        int hStart = oh * s.strideHeight() - s.padTop();
        int wStart = ow * s.strideWidth() - s.padLeft();
        int h0 = Math.max(hStart, 0), h1 = Pool2dShape.windowEnd(hStart, s.windowHeight(), s.inHeight());
        int w0 = Math.max(wStart, 0), w1 = Pool2dShape.windowEnd(wStart, s.windowWidth(), s.inWidth());
        int first = ((b * s.inHeight() + h0) * s.inWidth() + w0) * s.channels() + c;
        return argmax(input, first, h1 - h0, w1 - w0, s.inWidth() * s.channels(), s.channels());
    }

    /**
     * Index of the first maximum of a window of real cells: {@code rows x cols} cells starting at
     * {@code first}, {@code rowStride} apart between rows and {@code pixelStride} within a row.
     * Also the scalar channel tail of {@link VectorMaxPool2d}.
     */
    static int argmax(float[] input, int first, int rows, int cols, int rowStride, int pixelStride) {
        int best = first;
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                if (input[cell] > input[best]) {
                    best = cell;
                }
            }
        }
        return best;
    }
}
