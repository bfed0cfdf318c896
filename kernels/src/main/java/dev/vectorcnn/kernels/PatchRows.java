package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of the implicit im2col matrix of a convolution, a block at a time: {@link #gather} copies
 * the patches of some output pixels into a row-major {@code [rows, KH*KW*C]} buffer (zeros where the
 * window hangs over the padding), and {@link #scatterAdd} is its adjoint (col2im), adding such a
 * buffer of patch gradients back onto the input pixels they came from.
 *
 * <p>Patch column {@code (kh*KW + kw)*C + c} matches the HWIO filter row of the same index. In NHWC
 * the {@code KW} pixels of one window row are adjacent, so each window row is one contiguous run of
 * up to {@code KW*C} floats: copied (or added) with vectors, its padded ends zero-filled.
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
     * Adds row {@code r} of {@code patchGrads} (at {@code r * KH*KW*C}) onto the input pixels of the
     * window of output pixel {@code firstRow + r}, for {@code r} in {@code [0, rows)}, in that order;
     * values that fall on padding are dropped.
     */
    static void scatterAdd(Conv2dShape s, float[] patchGrads, int firstRow, int rows, float[] inputGrad) {
        Window w = new Window(s, firstRow);
        int rowLength = s.filterWidth() * s.inChannels();
        int filterHeight = s.filterHeight();
        int inHeight = s.inHeight();
        for (int r = 0; r < rows; r++, w.advance()) {
            int src = r * w.patchLength;
            for (int kh = 0; kh < filterHeight; kh++, src += rowLength) {
                int ih = w.topRow + kh;
                if (ih < 0 || ih >= inHeight || w.runLength == 0) {
                    continue;
                }
                add(patchGrads, src + w.runStart, inputGrad, w.pixelIndex(ih), w.runLength);
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
     * Writes the patches of all {@code OW} pixels of output row {@code outRow} (over {@code N*OH}) to
     * {@code patches}, pixel {@code ox} at {@code patchesIndex + ox * KH*KW*C}, going through
     * {@code padded} ({@code KH} zero-padded input rows of {@code paddedRow} floats, zero rows for the
     * filter rows over the top or bottom padding). Building the padded rows once per output row leaves
     * the per-pixel work a branch-free strided copy of {@code KH*KW*C} floats, which is what makes
     * this the fast gather for layers with few input channels (MNIST conv1: 9 floats per pixel).
     */
    static void gatherOutputRow(Conv2dShape s, float[] input, int outRow, int paddedRow, float[] padded,
                                float[] patches, int patchesIndex) {
        int outHeight = s.outHeight();
        int image = outRow / outHeight;
        int top = (outRow - image * outHeight) * s.strideHeight() - s.padTop();
        int filterHeight = s.filterHeight();
        for (int kh = 0; kh < filterHeight; kh++) {
            int ih = top + kh;
            if (ih < 0 || ih >= s.inHeight()) {
                fill(padded, kh * paddedRow, paddedRow);
            } else {
                padInputRows(s, input, image, ih, 1, paddedRow, padded, kh * paddedRow);
            }
        }
        int segment = s.filterWidth() * s.inChannels();
        int pixelStep = s.strideWidth() * s.inChannels();
        int patchLength = s.patchLength();
        int outWidth = s.outWidth();
        // Pixels innermost: a long strided loop, where a loop over the few floats of one segment
        // would be all loop overhead.
        for (int kh = 0; kh < filterHeight; kh++) {
            for (int j = 0; j < segment; j++) {
                int src = kh * paddedRow + j;
                int dst = patchesIndex + kh * segment + j;
                for (int ox = 0; ox < outWidth; ox++) {
                    patches[dst + ox * patchLength] = padded[src + ox * pixelStep];
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

    private static void copy(float[] src, int srcIndex, float[] dst, int dstIndex, int length) {
        int lanes = SPECIES.length();
        int i = 0;
        for (; i <= length - lanes; i += lanes) {
            FloatVector.fromArray(SPECIES, src, srcIndex + i).intoArray(dst, dstIndex + i);
        }
        for (; i < length; i++) {
            dst[dstIndex + i] = src[srcIndex + i];
        }
    }

    private static void add(float[] src, int srcIndex, float[] dst, int dstIndex, int length) {
        int lanes = SPECIES.length();
        int i = 0;
        for (; i <= length - lanes; i += lanes) {
            FloatVector.fromArray(SPECIES, dst, dstIndex + i)
                    .add(FloatVector.fromArray(SPECIES, src, srcIndex + i))
                    .intoArray(dst, dstIndex + i);
        }
        for (; i < length; i++) {
            dst[dstIndex + i] += src[srcIndex + i];
        }
    }
}
