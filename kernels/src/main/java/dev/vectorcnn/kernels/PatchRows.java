package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The implicit im2col matrix of a convolution, a piece at a time, in the three forms the kernels read:
 * <ul>
 *   <li>{@link #gather}: the patches of a range of output pixels as rows {@code [rows, KH*KW*C]}
 *       (zeros where the window hangs over the padding);</li>
 *   <li>{@link #padInputRows}: zero-padded copies of input rows, from which a micro-kernel reads the
 *       patches of horizontally adjacent output pixels in place;</li>
 *   <li>{@link #gatherOutputRowTransposed}: the patches of one output row as columns, the fast form
 *       for layers with few input channels.</li>
 * </ul>
 * Patch column {@code (kh*KW + kw)*C + c} matches the HWIO filter row of the same index. In NHWC
 * the {@code KW} pixels of one window row are adjacent, so each window row is one contiguous run of
 * up to {@code KW*C} floats: copied with vectors, its padded ends zero-filled.
 */
final class PatchRows {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private PatchRows() {
    }

    /**
     * Writes the patches of output pixels {@code [firstRow, firstRow + rows)} (pixel index over
     * {@code N*OH*OW}) to {@code patches}, row {@code r} at {@code patchesIndex + r * KH*KW*C}.
     */
    static void gather(Conv2dShape s, float[] input, int firstRow, int rows, float[] patches, int patchesIndex) {
        Window w = new Window(s, firstRow);
        int rowLength = s.filterWidth() * s.inChannels();
        int filterHeight = s.filterHeight();
        int inHeight = s.inHeight();
        for (int r = 0; r < rows; r++, w.advance()) {
            int dst = patchesIndex + r * w.patchLength;
            for (int kh = 0; kh < filterHeight; kh++, dst += rowLength) {
                int ih = w.topRow + kh;
                if (ih < 0 || ih >= inHeight || w.runLength == 0) {
                    fill(patches, dst, rowLength);
                } else if (w.runLength == rowLength) {
                    copy(input, w.pixelIndex(ih), patches, dst, rowLength);
                } else {
                    fill(patches, dst, w.runStart);
                    copy(input, w.pixelIndex(ih), patches, dst + w.runStart, w.runLength);
                    fill(patches, dst + w.runStart + w.runLength, rowLength - w.runStart - w.runLength);
                }
            }
        }
    }

    /**
     * Copies input rows {@code [firstRow, firstRow + rows)} of image {@code image} into {@code padded}, row
     * {@code i} at {@code paddedIndex + i * paddedRow}, each zero-padded on the left by {@link Conv2dShape#padLeft()}
     * columns and cut or zero-padded on the right to {@code paddedRow / C} columns: exactly the columns
     * the windows of one output row cover, so window {@code ox} of filter row i starts at
     * {@code i * paddedRow + ox * strideWidth * C}.
     */
    static void padInputRows(Conv2dShape s, float[] input, int image, int firstRow, int rows, int paddedRow,
                             float[] padded, int paddedIndex) {
        int channels = s.inChannels();
        int left = Math.min(paddedRow, s.padLeft() * channels);
        int length = Math.max(0, Math.min(s.inWidth() * channels, paddedRow - left));
        int rowLength = s.inWidth() * channels;
        for (int i = 0; i < rows; i++) {
            int dst = paddedIndex + i * paddedRow;
            fill(padded, dst, left);
            copy(input, ((image * s.inHeight()) + firstRow + i) * rowLength, padded, dst + left, length);
            fill(padded, dst + left + length, paddedRow - left - length);
        }
    }

    /**
     * Writes the patches of the {@code OW} pixels of one output row transposed: patch column {@code q} of
     * pixel {@code ox} goes to {@code patchColumns[q * ld + column + ox]}. They are read from zero-padded
     * input rows ({@code VectorConv2d.padBlockRows}): filter row kh of pixel 0's window starts at
     * {@code windowStart + kh * paddedRow}, and pixel ox's window {@code ox * strideWidth * C} floats later.
     * So the per-pixel work is a branch-free copy whose source is strided by {@code strideWidth * C} and
     * whose destination is contiguous, a plain array copy for one input channel and horizontal stride 1 (MNIST conv1).
     */
    static void gatherOutputRowTransposed(Conv2dShape s, float[] padded, int windowStart, int paddedRow,
                                          float[] patchColumns, int column, int ld) {
        int segment = s.filterWidth() * s.inChannels();
        int pixelStep = s.strideWidth() * s.inChannels();
        int outWidth = s.outWidth();
        for (int kh = 0; kh < s.filterHeight(); kh++) {
            for (int j = 0; j < segment; j++) {
                int src = windowStart + kh * paddedRow + j;
                int dst = (kh * segment + j) * ld + column;
                if (pixelStep == 1) {
                    copy(padded, src, patchColumns, dst, outWidth);
                } else {
                    for (int ox = 0; ox < outWidth; ox++) {
                        patchColumns[dst + ox] = padded[src + ox * pixelStep];
                    }
                }
            }
        }
    }

    /**
     * Where the window of one output pixel lies in the input: its top input row and, within every
     * window row, the in-image run of floats (the same for all rows of one window). Steps from pixel
     * to pixel without dividing.
     */
    private static final class Window {
        final int patchLength;
        private final int outHeight;
        private final int outWidth;
        private final int inHeight;
        private final int inWidth;
        private final int channels;
        private final int filterWidth;
        private final int strideHeight;
        private final int strideWidth;
        private final int padTop;
        private final int padLeft;
        private int image;
        private int oy;
        private int ox;
        private int firstInputColumn;
        int topRow;
        /** Offset of the in-image run within a window row, in floats. */
        int runStart;
        /** Length of the in-image run in floats; 0 when the window misses the image horizontally. */
        int runLength;

        Window(Conv2dShape s, int pixel) {
            patchLength = s.patchLength();
            outHeight = s.outHeight();
            outWidth = s.outWidth();
            inHeight = s.inHeight();
            inWidth = s.inWidth();
            channels = s.inChannels();
            filterWidth = s.filterWidth();
            strideHeight = s.strideHeight();
            strideWidth = s.strideWidth();
            padTop = s.padTop();
            padLeft = s.padLeft();
            int perImage = outHeight * outWidth;
            image = pixel / perImage;
            int rest = pixel - image * perImage;
            oy = rest / outWidth;
            ox = rest - oy * outWidth;
            place();
        }

        /** Moves to the next output pixel in NHWC order. */
        void advance() {
            if (++ox == outWidth) {
                ox = 0;
                if (++oy == outHeight) {
                    oy = 0;
                    image++;
                }
            }
            place();
        }

        private void place() {
            topRow = oy * strideHeight - padTop;
            int left = ox * strideWidth - padLeft;
            int firstTap = Math.max(0, -left);
            int endTap = Math.min(filterWidth, inWidth - left);
            firstInputColumn = left + firstTap;
            runStart = firstTap * channels;
            runLength = Math.max(0, endTap - firstTap) * channels;
        }

        /** Index of the first in-image pixel of window row {@code ih} in an NHWC array. */
        int pixelIndex(int ih) {
            return ((image * inHeight + ih) * inWidth + firstInputColumn) * channels;
        }
    }

    private static void fill(float[] a, int from, int length) {
        for (int i = from, end = from + length; i < end; i++) {
            a[i] = 0f;
        }
    }

    /**
     * Copies with vectors; the two ranges must not overlap. A ragged end is one more full vector ending at
     * {@code length}, overlapping what the loop copied, or, for a copy shorter than a vector, one masked
     * vector; never a scalar loop. (A masked tail on MNIST conv1's 28-float rows, whose copies the
     * micro-kernel reads next: AMD host, 1 thread, forward 60.5-60.8 against 61.1-61.6 GFLOP/s, filter
     * gradient 45.1-45.7 against 46.8-48.1.)
     */
    static void copy(float[] src, int srcIndex, float[] dst, int dstIndex, int length) {
        int lanes = SPECIES.length();
        int i = 0;
        for (; i <= length - lanes; i += lanes) {
            FloatVector.fromArray(SPECIES, src, srcIndex + i).intoArray(dst, dstIndex + i);
        }
        if (i < length && length >= lanes) {
            FloatVector.fromArray(SPECIES, src, srcIndex + length - lanes).intoArray(dst, dstIndex + length - lanes);
        } else if (i < length) {
            VectorMask<Float> tail = SPECIES.indexInRange(i, length);
            FloatVector.fromArray(SPECIES, src, srcIndex + i, tail).intoArray(dst, dstIndex + i, tail);
        }
    }
}
