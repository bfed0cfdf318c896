package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Average pooling on the Vector API: each window is summed one vector of channels at a time (NHWC
 * keeps the channels of a pixel contiguous), with the channels past the last full vector done by
 * {@link ScalarAvgPool2d#windowSum}. The sums run in the scalar reference's order and lane-wise
 * add, divide and multiply round exactly like their scalar forms, so results are bitwise those of
 * {@link ScalarAvgPool2d}. Arguments are trusted (checked by {@link AvgPool2d}).
 *
 * <p>Backward spreads each window's gradient over its real cells, in chunks split as
 * {@link PoolBackward#run} describes.
 */
final class VectorAvgPool2d {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorAvgPool2d() {
    }

    static void forward(Pool2dShape s, float[] input, float[] output) {
        FixedChunks.run(s.batch() * s.outHeight(), s.workPerOutputRow(), (first, end) -> forwardRows(s, input, output, first, end));
    }

    static void backward(Pool2dShape s, float[] outputGrad, float[] inputGrad) {
        PoolBackward.run(s, inputGrad, (first, end, accumulate) ->
                backwardRows(s, outputGrad, inputGrad, first, end, accumulate));
    }

    /** Output rows {@code [firstRow, endRow)} of {@code [batch * outHeight]}. */
    private static void forwardRows(Pool2dShape s, float[] input, float[] output, int firstRow, int endRow) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final PoolWindow w = new PoolWindow(s);
        for (int row = firstRow; row < endRow; row++) {
            w.row(row);
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                float count = w.rows * w.cols;
                int c = 0;
                for (; c < vectorEnd; c += lanes) {
                    windowSum(input, w.first + c, w.rows, w.cols, w.rowStride, channels).div(count)
                            .intoArray(output, w.output + c);
                }
                for (; c < channels; c++) {
                    output[w.output + c] = ScalarAvgPool2d.windowSum(input, w.first + c, w.rows, w.cols, w.rowStride,
                            channels) / count;
                }
            }
        }
    }

    /**
     * Output rows {@code [firstRow, endRow)}: adds (accumulate) or writes (disjoint windows, cells outside
     * windows already zero) each window's share of its gradient at each of its real cells.
     */
    private static void backwardRows(Pool2dShape s, float[] outputGrad, float[] inputGrad,
                                     int firstRow, int endRow, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final PoolWindow w = new PoolWindow(s);
        for (int row = firstRow; row < endRow; row++) {
            w.row(row);
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                int first = w.first, o = w.output, rows = w.rows, cols = w.cols, rowStride = w.rowStride;
                float scale = ScalarAvgPool2d.reciprocal(rows * cols);
                int c = 0;
                for (; c < vectorEnd; c += lanes) {
                    spread(FloatVector.fromArray(SPECIES, outputGrad, o + c).mul(scale),
                            inputGrad, first + c, rows, cols, rowStride, channels, accumulate);
                }
                for (; c < channels; c++) {
                    float g = outputGrad[o + c] * scale;
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0, cell = first + c + i * rowStride; j < cols; j++, cell += channels) {
                            // 0 + g rather than g, so a -0.0 share lands as the reference's 0f += -0.0 does.
                            inputGrad[cell] = (accumulate ? inputGrad[cell] : 0f) + g;
                        }
                    }
                }
            }
        }
    }

    /** Sum from 0, per lane, of a window of real cells (see {@link ScalarAvgPool2d#windowSum}). */
    private static FloatVector windowSum(float[] input, int first, int rows, int cols, int rowStride, int pixelStride) {
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                sum = sum.add(FloatVector.fromArray(SPECIES, input, cell));
            }
        }
        return sum;
    }

    /** Adds (or writes onto zero) one vector of gradient shares at every real cell of a window. */
    private static void spread(FloatVector share, float[] inputGrad, int first, int rows, int cols, int rowStride,
                               int pixelStride, boolean accumulate) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                (accumulate ? FloatVector.fromArray(SPECIES, inputGrad, cell) : zero).add(share).intoArray(inputGrad, cell);
            }
        }
    }
}
