package dev.vectorcnn.kernels;

import java.util.Arrays;

/**
 * The input gradient of a convolution without col2im: {@code inputGrad[N,H,W,C]} from
 * {@code outputGrad[N,OH,OW,OC]} and the filter, for {@link VectorConv2d#backwardInput}, which keeps
 * the scratch and runs the images in parallel. The input pixels are split into the {@code sy*sx} stride
 * parity classes ({@link SubPixel}); each class receives a fixed subset of the filter taps, so its
 * gradient is a stride-1 correlation of outputGrad with that sub-filter, packed once per call
 * ({@link #packFilter}).
 *
 * <p>An image is walked in bands of {@link #rows} class rows. The outputGrad rows every class of a band
 * reads are copied once into a zero-padded buffer, and each class's pixels of the band, taken row after
 * row as one run, are cut into whole tiles: a tile may cross class rows, since the micro-kernel places
 * each of its rows through a table ({@link MicroKernelTile#multiplyRowsSegments}), both where it reads outputGrad
 * and where it writes the input gradient, so the tiles go straight into inputGrad. {@link #rows} makes a
 * band's pixels a whole number of tiles, so only a band cut short by the image's last class row has a
 * ragged tile. (Tiles within one class row left MNIST conv2's 14-pixel rows at 12 + 2, the 2 gathered
 * into shared tiles; this runs its input gradient 6.5% faster, 177 against 166 calls/s.) Each input
 * pixel is computed by one tile, its taps summed in a fixed order: the result does not depend on how
 * images are spread over threads.
 *
 * <p>Where the layer has 64 output channels, one panel of input channels and class rows of a multiple
 * of 14 pixels (MNIST conv2), tiles are instead 14 pixels of one class row on
 * {@link Stride64MicroKernel14x2}, whose rows of A lie a constant 64 floats apart: 16% faster there
 * (see that class). The pixels sum their taps in the same order either way, so the results are the same.
 *
 * <p>A tile's tap rows lie in different padded rows, a constant row of the padded copy apart
 * ({@link MicroKernelTile#multiplyRowsSegments}). The one-vector tile (at most lanes input channels)
 * runs over all of them in one call. AMD host, 1 thread, GFLOP/s, against the calls
 * below: 32x32x16 -> 16 66.6-67.3 against 69.3-76.1, -> 32 72.5-72.7 against 79.8-80.4, -> 64
 * 71.0-74.6 against 80.7-80.8, 64x64x16 -> 4 (the depth table) 58.3-59.2 against 59.3-62.1, the same
 * -> 8 at stride 2 49.3-49.4 against 51.3-51.8, 28x28x12 -> 24 5x5 56.3-56.6 against 60.6-61.6. The
 * wider tiles, whose 24 accumulators C2 compiles worse in that nested loop (see
 * {@link GemmMicroKernel12x1#multiplySegments}), take one kernel call per tap row, each loading and
 * storing the tile; where a tap row is shorter than {@link #SHORT_TAP_ROW} steps (few output
 * channels), one call runs over all of them through a table of depth offsets
 * ({@link MicroKernelTile#multiplyRowsByDepth}) instead.
 */
final class SubPixelInputGradient {

    /**
     * Tap rows ({@code tapsX * OC} steps) shorter than this run in one call per tile through a depth table.
     * AMD host, 1 thread, GFLOP/s, a call per tap row against one call: 64x64x16 -> 4 3x3 (12 steps)
     * 43.4-46.1 against 58.1-59.8, the same at stride 2 26.1 against 35.6, -> 8 (24 steps) 56.2-56.3 against
     * 61.3-66.1; 32x32x64 -> 2 (6 steps) 51.2 against 74.6, -> 4 5x5 (20 steps) 77.4 against 94.1; but
     * 32x32x16 -> 16 (48 steps) 59.4-66.3 against 62.7-64.3, 32x32x32 -> 32 (96 steps, the 12 x 2 tile)
     * 95.2-98.4 against 86.3-88.4 and 56x56x64 -> 64 (192 steps) 105.7 against 107.8. The one-vector
     * tile (the layers of 16 input channels among these, at 512 bits) now runs its tap rows as segments
     * instead, whatever their length.
     */
    static final int SHORT_TAP_ROW = 32;

    private final Conv2dShape s;
    private final MicroKernelTile tile;
    private final SubPixel[] classes;
    /** Where each class's packed sub-filter starts, from the start of the packed operand. */
    private final int[] classOffsets;
    /** Panels of input channels. */
    private final int panels;
    /** Class rows per band, and the most class rows of any class. */
    private final int rows;
    private final int classRows;
    /** Padded row 0 holds output row {@code firstClassRow + firstOutRow}; column 0 output column {@code firstOutColumn}. */
    private final int firstOutRow;
    private final int firstOutColumn;
    private final int paddedRows;
    private final int paddedColumns;

    SubPixelInputGradient(Conv2dShape s, MicroKernelTile tile) {
        this.s = s;
        this.tile = tile;
        panels = Math.ceilDiv(s.inChannels(), tile.columns);
        classes = new SubPixel[s.strideHeight() * s.strideWidth()];
        classOffsets = new int[classes.length];
        int offset = 0;
        int lowRow = 0;
        int highRow = 0;
        int lowColumn = 0;
        int highColumn = 0;
        int bandRows = 1;
        int mostRows = 0;
        boolean any = false;
        for (int py = 0; py < s.strideHeight(); py++) {
            for (int px = 0; px < s.strideWidth(); px++) {
                SubPixel c = new SubPixel(s, py, px);
                classes[py * s.strideWidth() + px] = c;
                classOffsets[py * s.strideWidth() + px] = offset;
                offset += panels * c.depth() * tile.columns;
                mostRows = Math.max(mostRows, c.classRows);
                if (!c.reads()) {
                    continue;
                }
                int lastRow = c.firstOutRow + c.tapsY - 1;
                int lastColumn = c.classColumns - 1 + c.firstOutColumn + c.tapsX - 1;
                lowRow = any ? Math.min(lowRow, c.firstOutRow) : c.firstOutRow;
                highRow = any ? Math.max(highRow, lastRow) : lastRow;
                lowColumn = any ? Math.min(lowColumn, c.firstOutColumn) : c.firstOutColumn;
                highColumn = any ? Math.max(highColumn, lastColumn) : lastColumn;
                any = true;
                int rowsForWholeTiles = tile.rows / gcd(c.classColumns, tile.rows);
                bandRows = bandRows * rowsForWholeTiles / gcd(bandRows, rowsForWholeTiles);
            }
        }
        rows = bandRows;
        classRows = mostRows;
        firstOutRow = lowRow;
        firstOutColumn = lowColumn;
        paddedRows = any ? rows - 1 + highRow - lowRow + 1 : 0;
        paddedColumns = any ? highColumn - lowColumn + 1 : 0;
    }

    /** Floats of the padded buffer: {@link #paddedRows} rows of {@link #paddedColumns} output pixels. */
    long paddedFloats() {
        return (long) paddedRows * paddedColumns * s.outChannels();
    }

    /** Ints of the depth-offset table: a class's depth, at most every tap of the filter for every output channel. */
    static int depthOffsetsLength(Conv2dShape s) {
        // At most the filter's length, which fits an int.
        return s.filterHeight() * s.filterWidth() * s.outChannels();
    }

    /**
     * Packs every class's sub-filter into {@code packed} from {@code start}, class after class, each in
     * panels of {@code tile.columns} input channels.
     */
    void packFilter(float[] filter, float[] packed, int start) {
        for (int i = 0; i < classes.length; i++) {
            int offset = start + classOffsets[i];
            for (int panel = 0; panel < panels; panel++) {
                classes[i].packFilter(filter, panel, tile.columns, packed, offset);
                offset += classes[i].depth() * tile.columns;
            }
        }
    }

    /**
     * Overwrites image {@code image} of {@code inputGrad}, band by band, from the sub-filters
     * {@link #packFilter} wrote at {@code packedStart}. The other arrays are the calling thread's scratch:
     * {@code padded} of {@link #paddedFloats} floats, {@code scratchTile} of one tile, {@code aRows} and
     * {@code inputStarts} of {@code tile.rows} ints, {@code depthOffsets} of {@link #depthOffsetsLength} ints,
     * {@code fixedStrideRows} of {@link Stride64MicroKernel14x2#ROWS}.
     */
    void computeImage(int image, float[] outputGrad, float[] padded, float[] packed, int packedStart,
                      float[] scratchTile, int[] aRows, int[] inputStarts, int[] depthOffsets, int[] fixedStrideRows,
                      float[] inputGrad) {
        for (int firstClassRow = 0; firstClassRow < classRows; firstClassRow += rows) {
            pad(image, firstClassRow, outputGrad, padded);
            for (int i = 0; i < classes.length; i++) {
                compute(classes[i], image, firstClassRow, padded, packed, packedStart + classOffsets[i], scratchTile,
                        aRows, inputStarts, depthOffsets, fixedStrideRows, inputGrad);
            }
        }
    }

    /** Copies the outputGrad rows of the band from class row {@code firstClassRow}, zero outside the output. */
    private void pad(int image, int firstClassRow, float[] outputGrad, float[] padded) {
        int oc = s.outChannels();
        int outHeight = s.outHeight();
        int outWidth = s.outWidth();
        int rowFloats = paddedColumns * oc;
        int left = Math.min(paddedColumns, Math.max(0, -firstOutColumn));
        int length = Math.max(0, Math.min(outWidth - (firstOutColumn + left), paddedColumns - left));
        for (int row = 0; row < paddedRows; row++) {
            int outRow = firstClassRow + firstOutRow + row;
            int dst = row * rowFloats;
            if (outRow < 0 || outRow >= outHeight || length == 0) {
                Arrays.fill(padded, dst, dst + rowFloats, 0f);
                continue;
            }
            Arrays.fill(padded, dst, dst + left * oc, 0f);
            System.arraycopy(outputGrad, ((image * outHeight + outRow) * outWidth + firstOutColumn + left) * oc,
                    padded, dst + left * oc, length * oc);
            Arrays.fill(padded, dst + (left + length) * oc, dst + rowFloats, 0f);
        }
    }

    /**
     * Computes and writes class {@code c}'s pixels of the band from class row {@code firstClassRow} of
     * image {@code image}, from the padded buffer and the class's packed sub-filter at {@code packedStart}.
     */
    private void compute(SubPixel c, int image, int firstClassRow, float[] padded, float[] packed, int packedStart,
                         float[] scratchTile, int[] aRows, int[] starts, int[] depthOffsets, int[] fixedStrideRows,
                         float[] inputGrad) {
        int bandClassRows = Math.min(rows, c.classRows - firstClassRow);
        if (bandClassRows <= 0) {
            return;
        }
        int oc = s.outChannels();
        int channels = s.inChannels();
        int columns = c.classColumns;
        int pixels = bandClassRows * columns;
        int depth = c.depth();
        int kc = c.tapsX * oc;
        int rowFloats = paddedColumns * oc;
        // Class pixel (a, b) of the band reads the padded buffer from ((a * paddedColumns + b) + shift) * OC.
        int shift = (c.firstOutRow - firstOutRow) * paddedColumns + c.firstOutColumn - firstOutColumn;
        int pixelStep = s.strideWidth() * channels;
        if (fixedStrideTiles(c)) {
            computeFixedStride(c, image, firstClassRow, bandClassRows, padded, packed, packedStart, shift,
                    fixedStrideRows, inputGrad);
            return;
        }
        boolean shortTapRows = kc < SHORT_TAP_ROW && tile != MicroKernelTile.TWELVE_BY_ONE;
        if (shortTapRows) {
            // Depth step i * kc + p of a tile, tap row i and tap-and-channel p, reads rowFloats * i + p floats on
            // from the pixel's row start, so that one kernel call runs over all of a tile's tap rows.
            for (int i = 0, step = 0; i < c.tapsY; i++) {
                for (int p = 0; p < kc; p++) {
                    depthOffsets[step++] = i * rowFloats + p;
                }
            }
        }
        for (int q = 0; q < pixels; q += tile.rows) {
            int count = Math.min(tile.rows, pixels - q);
            // Walk the tile's pixels from (a, b) without a division per row.
            int a = q / columns;
            int b = q % columns;
            int read = (a * paddedColumns + b + shift) * oc;
            int write = c.inputStart(image, firstClassRow + a, b);
            for (int r = 0; r < count; r++) {
                aRows[r] = read;
                starts[r] = write;
                if (++b < columns) {
                    read += oc;
                    write += pixelStep;
                } else {
                    b = 0;
                    a++;
                    read = (a * paddedColumns + shift) * oc;
                    write = c.inputStart(image, firstClassRow + a, 0);
                }
            }
            // A ragged tile's spare rows read the first row again; they are never written.
            for (int r = count; r < tile.rows; r++) {
                aRows[r] = aRows[0];
                starts[r] = starts[0];
            }
            // Tap rows that fall wholly above or below the output for every pixel of the tile read only
            // padding: left out.
            int firstRow = firstClassRow + q / columns + c.firstOutRow;
            int lastRow = firstClassRow + (q + count - 1) / columns + c.firstOutRow;
            int firstTap = Math.max(0, -lastRow);
            int endTap = Math.min(c.tapsY, s.outHeight() - firstRow);
            boolean full = count == tile.rows;
            for (int column = 0, panelStart = packedStart; column < channels;
                    column += tile.columns, panelStart += depth * tile.columns) {
                // A full tile sums its taps in the input gradient itself, with no write-back; a ragged
                // tile, a part-width panel or a tile without taps goes through the scratch tile.
                boolean direct = full && endTap > firstTap && column + tile.columns <= channels;
                if (!direct && endTap <= firstTap) {
                    Arrays.fill(scratchTile, 0f);
                }
                float[] target = direct ? inputGrad : scratchTile;
                int targetIndex = direct ? column : 0;
                int[] targetRows = direct ? starts : tile.scratchRows;
                if (shortTapRows && endTap > firstTap) {
                    tile.multiplyRowsByDepth((endTap - firstTap) * kc, padded, 0, aRows, depthOffsets, firstTap * kc,
                            packed, panelStart + firstTap * kc * tile.columns, target, targetIndex, targetRows);
                } else if (endTap > firstTap) {
                    tile.multiplyRowsSegments(kc, endTap - firstTap, rowFloats, padded, firstTap * rowFloats, aRows,
                            packed, panelStart + firstTap * kc * tile.columns, target, targetIndex, targetRows);
                }
                if (!direct) {
                    for (int r = 0; r < count; r++) {
                        GemmWriteBack.apply(scratchTile, r * tile.columns, tile.columns, 1, channels - column,
                                inputGrad, starts[r] + column, channels, 1f, 0f, null, 0, false);
                    }
                }
            }
        }
    }

    /**
     * Whether class {@code c}'s tiles can run on {@link Stride64MicroKernel14x2}: its rows of A, adjacent
     * pixels' output-gradient rows in the padded copy, lie {@code outChannels} floats apart, which must be
     * the kernel's stride; its class rows must be whole tiles; and its input channels one full panel,
     * since the kernel writes whole tile rows into the input gradient.
     */
    private boolean fixedStrideTiles(SubPixel c) {
        return s.outChannels() == Stride64MicroKernel14x2.A_ROW_STRIDE
                && c.classColumns % Stride64MicroKernel14x2.ROWS == 0
                && tile.columns == Stride64MicroKernel14x2.COLUMNS
                && s.inChannels() == Stride64MicroKernel14x2.COLUMNS;
    }

    /**
     * {@link #compute} in tiles of 14 pixels of one class row on {@link Stride64MicroKernel14x2}: one call
     * over all the tap rows that reach the output, in the same order as {@link #compute}.
     */
    private void computeFixedStride(SubPixel c, int image, int firstClassRow, int bandClassRows, float[] padded,
                                    float[] packed, int packedStart, int shift, int[] inputRows, float[] inputGrad) {
        int oc = s.outChannels();
        int channels = s.inChannels();
        int kc = c.tapsX * oc;
        int rowFloats = paddedColumns * oc;
        int pixelStep = s.strideWidth() * channels;
        int tileRows = Stride64MicroKernel14x2.ROWS;
        for (int a = 0; a < bandClassRows; a++) {
            // Tap rows that fall above or below the output read only padding: left out.
            int outRow = firstClassRow + a + c.firstOutRow;
            int firstTap = Math.max(0, -outRow);
            int endTap = Math.min(c.tapsY, s.outHeight() - outRow);
            for (int b = 0; b < c.classColumns; b += tileRows) {
                int write = c.inputStart(image, firstClassRow + a, b);
                for (int r = 0; r < tileRows; r++) {
                    inputRows[r] = write + r * pixelStep;
                }
                if (endTap <= firstTap) {
                    for (int r = 0; r < tileRows; r++) {
                        Arrays.fill(inputGrad, inputRows[r], inputRows[r] + channels, 0f);
                    }
                    continue;
                }
                int read = (a * paddedColumns + b + shift) * oc;
                int first = firstTap * rowFloats + read;
                Stride64MicroKernel14x2.multiplyTaps(kc, endTap - firstTap, padded, first, rowFloats, padded,
                        first + Stride64MicroKernel14x2.LAST_ROW, rowFloats, packed,
                        packedStart + firstTap * kc * tile.columns, inputGrad, inputRows, false);
            }
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * One sub-pixel class of backwardInput: the input pixels {@code (py + sy*a, px + sx*b)}. With stride
     * {@code (sy, sx)} such a pixel receives output gradients only through the filter taps
     * {@code kh = (py + padTop) mod sy + sy*t} (and likewise kw), the same taps for every pixel of the
     * class, from output pixels {@code (a + qy - t, b + qx - u)} with {@code qy = (py + padTop) / sy} and
     * {@code qx = (px + padLeft) / sx}. So the class's gradient is a plain
     * stride-1 correlation of outputGrad with the flipped sub-filter of those taps. For stride 1 there
     * is one class: the full convolution of outputGrad with the flipped, transposed filter.
     */
    private static final class SubPixel {
        private final Conv2dShape s;
        final int px;
        final int py;
        /** First tap and number of taps of the class, per axis; no taps (stride above kernel) means zeros. */
        private final int firstTapY;
        final int tapsY;
        private final int firstTapX;
        final int tapsX;
        /** Class pixel (a, b) reads output rows {@code a + firstOutRow + i}, columns {@code b + firstOutColumn + j}. */
        final int firstOutRow;
        final int firstOutColumn;
        final int classRows;
        final int classColumns;

        SubPixel(Conv2dShape s, int py, int px) {
            this.s = s;
            this.py = py;
            this.px = px;
            int sy = s.strideHeight();
            int sx = s.strideWidth();
            firstTapY = (py + s.padTop()) % sy;
            firstTapX = (px + s.padLeft()) % sx;
            tapsY = Math.max(0, Math.ceilDiv(s.filterHeight() - firstTapY, sy));
            tapsX = Math.max(0, Math.ceilDiv(s.filterWidth() - firstTapX, sx));
            firstOutRow = (py + s.padTop()) / sy - (tapsY - 1);
            firstOutColumn = (px + s.padLeft()) / sx - (tapsX - 1);
            // At least one of each: Conv2d lowers every stride to at most the input size, so py < sy <= H
            // and px < sx <= W.
            classRows = Math.ceilDiv(s.inHeight() - py, sy);
            classColumns = Math.ceilDiv(s.inWidth() - px, sx);
        }

        /** Rows of the class's packed sub-filter: {@code TY * TX * OC}. */
        int depth() {
            return tapsY * tapsX * s.outChannels();
        }

        /** Whether the class has taps, so that it reads outputGrad (every class has pixels). */
        boolean reads() {
            return depth() > 0;
        }

        /**
         * Packs columns (input channels) {@code [panel*width, +width)} of the class's sub-filter: row
         * {@code (i*TX + j)*OC + o} holds tap {@code kh = firstTapY + sy*(TY-1-i)}, {@code kw = firstTapX +
         * sx*(TX-1-j)} (reversed, so that rising i and j walk rising output rows and columns).
         */
        void packFilter(float[] filter, int panel, int width, float[] packed, int packedIndex) {
            int oc = s.outChannels();
            int channels = s.inChannels();
            int column = panel * width;
            int valid = Math.min(width, channels - column);
            int out = packedIndex;
            for (int i = 0; i < tapsY; i++) {
                int kh = firstTapY + s.strideHeight() * (tapsY - 1 - i);
                for (int j = 0; j < tapsX; j++) {
                    int kw = firstTapX + s.strideWidth() * (tapsX - 1 - j);
                    int tap = (kh * s.filterWidth() + kw) * channels;
                    for (int o = 0; o < oc; o++, out += width) {
                        for (int c = 0; c < valid; c++) {
                            packed[out + c] = filter[(tap + column + c) * oc + o];
                        }
                        Arrays.fill(packed, out + valid, out + width, 0f);
                    }
                }
            }
        }

        /** Start of class pixel {@code (a, b)} of image {@code image} in the input gradient. */
        int inputStart(int image, int a, int b) {
            return ((image * s.inHeight() + py + s.strideHeight() * a) * s.inWidth() + px + s.strideWidth() * b)
                    * s.inChannels();
        }
    }
}
