package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling on the Vector API: each window is reduced one vector of channels at a time (NHWC keeps
 * the channels of a pixel contiguous), with the channels past the last full vector done by
 * {@link ScalarMaxPool2d#argmax}. Arguments are trusted (checked by {@link MaxPool2d}); results are
 * bitwise those of {@link ScalarMaxPool2d}.
 *
 * <p>Backward recomputes each window's maximum instead of storing argmax indices (as TensorFlow's
 * MaxPoolGrad does): one more read of the input, no index buffer to keep between the passes. The first maximum is then found by a second scan that marks, per lane, the first
 * cell equal to the maximum (the same cell the strict {@code >} scan settled on; see
 * {@link #windowGradient}). When windows are disjoint (stride &gt;= window) every input cell is written
 * by at most one window, so output rows are processed in parallel and each window overwrites its cells;
 * otherwise whole images are processed in parallel and windows accumulate into a zeroed gradient.
 */
final class VectorMaxPool2d {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorMaxPool2d() {
    }

    static void forward(Pool2dShape s, float[] input, float[] output) {
        long workPerRow = (long) s.outWidth() * s.channels() * s.windowHeight() * s.windowWidth();
        FixedChunks.run(s.batch() * s.outHeight(), workPerRow, (first, end) -> forwardRows(s, input, output, first, end));
    }

    static void backward(Pool2dShape s, float[] input, float[] outputGrad, float[] inputGrad) {
        long workPerRow = (long) s.outWidth() * s.channels() * s.windowHeight() * s.windowWidth();
        if (s.windowsDisjoint()) {
            boolean tiled = s.windowsTileInput();
            FixedChunks.run(s.batch() * s.outHeight(), workPerRow, (first, end) -> {
                if (!tiled) {
                    s.zeroRowBands(inputGrad, first, end);
                }
                backwardRows(s, input, outputGrad, inputGrad, first, end, false);
            });
        } else {
            int imageLength = s.inHeight() * s.inWidth() * s.channels();
            FixedChunks.run(s.batch(), workPerRow * s.outHeight(), (first, end) -> {
                java.util.Arrays.fill(inputGrad, first * imageLength, end * imageLength, 0f);
                backwardRows(s, input, outputGrad, inputGrad, first * s.outHeight(), end * s.outHeight(), true);
            });
        }
    }

    /** Output rows {@code [firstRow, endRow)} of {@code [batch * outHeight]}. */
    private static void forwardRows(Pool2dShape s, float[] input, float[] output, int firstRow, int endRow) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final int rowStride = s.inWidth() * channels;
        final int outH = s.outHeight(), outW = s.outWidth();
        final int padTop = s.padTop(), padLeft = s.padLeft();
        for (int row = firstRow; row < endRow; row++) {
            int b = row / outH, oh = row - b * outH;
            int hStart = oh * s.strideHeight() - padTop;
            int h0 = Math.max(hStart, 0), h1 = Math.min(hStart + s.windowHeight(), s.inHeight());
            int imageRow = (b * s.inHeight() + h0) * rowStride;
            for (int ow = 0; ow < outW; ow++) {
                int wStart = ow * s.strideWidth() - padLeft;
                int w0 = Math.max(wStart, 0), w1 = Math.min(wStart + s.windowWidth(), s.inWidth());
                int first = imageRow + w0 * channels;
                int o = (row * outW + ow) * channels;
                int c = 0;
                for (; c < vectorEnd; c += lanes) {
                    windowMax(input, first + c, h1 - h0, w1 - w0, rowStride, channels).intoArray(output, o + c);
                }
                for (; c < channels; c++) {
                    output[o + c] = input[ScalarMaxPool2d.argmax(input, first + c, h1 - h0, w1 - w0, rowStride, channels)];
                }
            }
        }
    }

    /**
     * Output rows {@code [firstRow, endRow)}: adds (accumulate) or writes (disjoint windows, cells outside
     * windows already zero) each window's gradient at its first maximum, zero at its other cells.
     */
    private static void backwardRows(Pool2dShape s, float[] input, float[] outputGrad, float[] inputGrad,
                                     int firstRow, int endRow, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final int rowStride = s.inWidth() * channels;
        final int outH = s.outHeight(), outW = s.outWidth();
        final int padTop = s.padTop(), padLeft = s.padLeft();
        for (int row = firstRow; row < endRow; row++) {
            int b = row / outH, oh = row - b * outH;
            int hStart = oh * s.strideHeight() - padTop;
            int h0 = Math.max(hStart, 0), h1 = Math.min(hStart + s.windowHeight(), s.inHeight());
            int imageRow = (b * s.inHeight() + h0) * rowStride;
            for (int ow = 0; ow < outW; ow++) {
                int wStart = ow * s.strideWidth() - padLeft;
                int w0 = Math.max(wStart, 0), w1 = Math.min(wStart + s.windowWidth(), s.inWidth());
                int first = imageRow + w0 * channels;
                int o = (row * outW + ow) * channels;
                int c = 0;
                for (; c < vectorEnd; c += lanes) {
                    windowGradient(input, first + c, h1 - h0, w1 - w0, rowStride, channels,
                            outputGrad, o + c, inputGrad, accumulate);
                }
                for (; c < channels; c++) {
                    int rows = h1 - h0, cols = w1 - w0;
                    if (!accumulate) {
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0, cell = first + c + i * rowStride; j < cols; j++, cell += channels) {
                                inputGrad[cell] = 0f;
                            }
                        }
                    }
                    inputGrad[ScalarMaxPool2d.argmax(input, first + c, rows, cols, rowStride, channels)] += outputGrad[o + c];
                }
            }
        }
    }

    /** Per lane, the first maximum under strict {@code >} of a window of real cells (see {@link ScalarMaxPool2d#argmax}). */
    private static FloatVector windowMax(float[] input, int first, int rows, int cols, int rowStride, int pixelStride) {
        // Starting from the first cell and comparing it with itself keeps the loop free of a peeled step.
        FloatVector best = FloatVector.fromArray(SPECIES, input, first);
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                FloatVector v = FloatVector.fromArray(SPECIES, input, cell);
                best = best.blend(v, v.compare(VectorOperators.GT, best));
            }
        }
        return best;
    }

    /**
     * Sends one vector of window gradients to the window's first maxima. The first cell that equals
     * the maximum is the cell the strict-{@code >} scan chose: no earlier cell can equal it, or the
     * scan would have stopped there (float {@code ==} and {@code >} agree on -0.0 == 0.0). The one case
     * {@code ==} misses is a NaN maximum, which is only ever the window's first cell.
     */
    private static void windowGradient(float[] input, int first, int rows, int cols, int rowStride, int pixelStride,
                                       float[] outputGrad, int o, float[] inputGrad, boolean accumulate) {
        FloatVector best = windowMax(input, first, rows, cols, rowStride, pixelStride);
        FloatVector gradient = FloatVector.fromArray(SPECIES, outputGrad, o);
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector v0 = FloatVector.fromArray(SPECIES, input, first);
        VectorMask<Float> taken = v0.compare(VectorOperators.EQ, best).or(v0.test(VectorOperators.IS_NAN));
        // 0 + g rather than g, so a -0.0 gradient lands as the scalar reference's 0f += -0.0 does.
        (accumulate ? FloatVector.fromArray(SPECIES, inputGrad, first) : zero).add(gradient, taken)
                .intoArray(inputGrad, first);
        for (int i = 0; i < rows; i++) {
            for (int j = i == 0 ? 1 : 0, cell = first + i * rowStride + j * pixelStride; j < cols; j++, cell += pixelStride) {
                FloatVector v = FloatVector.fromArray(SPECIES, input, cell);
                VectorMask<Float> hit = v.compare(VectorOperators.EQ, best).andNot(taken);
                taken = taken.or(hit);
                (accumulate ? FloatVector.fromArray(SPECIES, inputGrad, cell) : zero).add(gradient, hit)
                        .intoArray(inputGrad, cell);
            }
        }
    }
}
