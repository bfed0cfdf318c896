package dev.vectorcnn.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Forward for layers with few output channels, such as the tutorial's two line filters on a photo or a
 * one-channel output layer: the transposed product {@code out^T[OC, M] = filter^T[OC, K] x patches^T[K, M]},
 * with the output channels as the micro-kernel's rows and output pixels in its vector lanes. The other
 * forward paths put output channels in the lanes, where two channels filled 2 of a 12x2 tile's 32 columns
 * (3-6% of the FMA peak measured on such layers; 2 of 16 on the 12 x 1 tile added since); here they fill
 * 2 of a 6x4 tile's 6 rows, and 7 to 12 channels a 12x2 tile's rows. {@link #fits} says when this path is
 * the faster.
 *
 * <p>Work is split into chunks of whole output rows. A chunk first copies the input rows its windows
 * cover, once each, zero-padded and <em>planar</em> ({@link PlanarRows}): channel by channel, and within a
 * channel the columns of each horizontal stride phase together, so that one filter tap's values for
 * adjacent output pixels are adjacent floats. Then:
 * <ul>
 *   <li>on rows of at least {@code tile.columns} pixels, each tile takes that many pixels of one output
 *       row and the micro-kernel reads its B rows, one per filter tap, in place from the planar rows
 *       through a table of tap offsets ({@link #multiplyIndirectB}); a row's last tile
 *       starts early and overlaps its neighbour, as in {@code VectorConv2d.forwardRowsInPlace}. With 1 to
 *       3 channels, a tile's spare rows compute the output rows below ({@link #stackedRows});</li>
 *   <li>on narrower rows a tile's pixels run on across output rows, and a depth piece of their patches
 *       at a time is packed transposed (vector copies from the planar rows) into a cache-line aligned
 *       panel that the plain micro-kernel reads.</li>
 * </ul>
 * The tile's channel rows are written to the NHWC output transposed, with the bias and the ReLU. Each
 * pixel's sum runs over the patch in order, so results do not depend on the thread count.
 */
final class PixelLanesForward {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Interleaves the low halves, then the high halves, of two vectors ({@link #writeInterleaved}). */
    private static final VectorShuffle<Float> INTERLEAVE_LOW = interleave(0);
    private static final VectorShuffle<Float> INTERLEAVE_HIGH = interleave(SPECIES.length() / 2);

    /** Output pixels a chunk aims at (see {@link PlanarRows#outputRowsFor}). */
    private static final int CHUNK_PIXELS = 2048;

    private PixelLanesForward() {
    }

    /**
     * Whether this path is the faster: the output channels must fill the tile's rows at least twice as
     * well as they fill the other paths' columns, and four times as well when output rows are narrower
     * than a tile, whose patches must then be packed, which also needs rows of at least half a vector. At
     * 512 bits that is up to 6 channels on rows of 8 pixels or more, and up to 12 on rows of at least 32;
     * at 256 bits up to 6 channels on rows of at least 32 pixels; never at 128 bits, whose 8-column tiles
     * already fit. Measured on the AMD host, 1 thread, GFLOP/s of the usual path against this one: one
     * channel on 62-pixel rows 2.7 against 9.8, 6 channels on 14-pixel rows 16.8 against 21.2, 4 on
     * 8-pixel rows 7.6 against 11.2, but 10 channels on 14-pixel rows 31.1 against 28.4, 2 on 4-pixel
     * rows 4.5 against 3.2 and one on 1-pixel rows 2.3 against 0.3. "The other paths' columns" are the
     * 12 x 2 tile's, against which this was measured: the 12 x 1 tile, added since for layers of at most
     * lanes channels, is faster than the 12 x 2 one there, but this path stayed ahead of it or level
     * (8 channels on 32-pixel rows 15.2 against 37.3, 6 on 14-pixel rows 10.7 against 24.0 and on 8-pixel
     * rows 14.3 against 16.9, 4 on 64-pixel rows 35.0-36.9 against 35.5-35.7).
     */
    static boolean fits(Conv2dShape s) {
        int oc = s.outChannels();
        if (oc > GemmMicroKernel12x2.ROWS) {
            return false;
        }
        MicroKernelTile tile = tile(s);
        boolean inRows = readsRowsInPlace(s, tile);
        if (!inRows && 2 * s.outWidth() < SPECIES.length()) {
            return false;
        }
        int paddedColumns = Math.ceilDiv(oc, MicroKernelTile.TWELVE_BY_TWO.columns) * MicroKernelTile.TWELVE_BY_TWO.columns;
        return paddedColumns >= (inRows ? 2 : 4) * tile.rows;
    }

    /**
     * {@code output = act(conv(input, filter) + bias)}. The filter is packed transposed into the calling
     * thread's packed operand, and again stacked ({@link #stackedRows}); each chunk's patches go into its own
     * thread's, after them.
     */
    static void forward(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu, float[] output,
                        boolean parallel) {
        MicroKernelTile tile = tile(s);
        int k = s.patchLength();
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int outHeight = s.outHeight();
        int outRows = s.batch() * outHeight;
        int rowsPerChunk = rowsPerChunk(s);
        int stack = stackedRows(s);
        int stackedK = stackedPatchLength(s);
        int start = CacheLineAligned.FIRST;
        int stackedStart = start + filterFloats(s);
        int patchesStart = stackedStart;
        int packedLength = packedFloats(s);
        float[] filterT = VectorConv2d.scratch().packed(packedLength);
        packStacked(s, filter, 1, k, tile.rows, filterT, start);
        if (stack > 1) {
            packStacked(s, filter, stack, stackedK, tile.rows, filterT, stackedStart);
        }
        int piece = depthPiece(tile);
        boolean inRows = readsRowsInPlace(s, tile);
        PlanarRows planar = new PlanarRows(s, 0);
        int planarFloats = planar.floats(rowsPerChunk);
        // The taps of one output row's windows, then those of a stack's (KH + (stack - 1) * SH rows): the
        // calling thread's table, which the chunks only read.
        int[] taps = VectorConv2d.scratch().tapOffsets(tapTableLength(s));
        planar.tapOffsets(taps, 0, s.filterHeight());
        planar.tapOffsets(taps, k, stackedFilterHeight(s));
        VectorConv2d.forChunks(parallel, Math.ceilDiv(outRows, rowsPerChunk), chunk -> {
            VectorConv2d.Scratch scratch = VectorConv2d.scratch();
            float[] rows = scratch.paddedInputRows(planarFloats);
            int[] rowStarts = scratch.offsets(rowsPerChunk);
            int firstRow = chunk * rowsPerChunk;
            int endRow = Math.min(outRows, firstRow + rowsPerChunk);
            // Only stacked rows treat infinities and NaN apart.
            boolean finite;
            if (stack > 1) {
                finite = planar.copyCheckingFinite(input, firstRow, endRow - firstRow, rows, rowStarts);
            } else {
                planar.copy(input, firstRow, endRow - firstRow, rows, rowStarts);
                finite = true;
            }
            if (inRows) {
                for (int g = 0; g < endRow - firstRow; ) {
                    int outRow = firstRow + g;
                    // A stack multiplies the other rows' windows by zeros, which an infinity would turn to NaN.
                    boolean stacked = stack > 1 && finite && g + stack <= endRow - firstRow
                            && outRow / outHeight == (outRow + stack - 1) / outHeight;
                    int together = stacked ? stack : 1;
                    int depth = stacked ? stackedK : k;
                    for (int x = 0; x < outWidth; x += tile.columns) {
                        // A row's last panel starts early, over pixels its neighbour wrote; only its new ones are written.
                        int first = Math.min(x, outWidth - tile.columns);
                        multiplyIndirectB(tile, depth, filterT, stacked ? stackedStart : start, depth, rows,
                                rowStarts[g] + first, taps, stacked ? k : 0, scratch.tile);
                        for (int dy = 0; dy < together; dy++) {
                            writeTransposed(scratch.tile, dy * oc * tile.columns, x - first, tile.columns,
                                    outWidth - x, oc, bias, relu, output, ((outRow + dy) * outWidth + x) * oc);
                        }
                    }
                    g += together;
                }
                return;
            }
            float[] patches = scratch.packed(packedLength);
            int pixels = (endRow - firstRow) * outWidth;
            for (int first = 0; first < pixels; first += tile.columns) {
                int count = Math.min(tile.columns, pixels - first);
                for (int depth = 0; depth < k; depth += piece) {
                    int kc = Math.min(piece, k - depth);
                    packPatches(rows, rowStarts, taps, outWidth, first, count, depth, kc, patches, patchesStart,
                            tile.columns);
                    tile.multiply(kc, filterT, start + depth, k, patches, patchesStart, scratch.tile, 0, depth > 0);
                }
                writeTransposed(scratch.tile, 0, 0, tile.columns, count, oc, bias, relu, output,
                        (firstRow * outWidth + first) * oc);
            }
        });
    }

    /**
     * Output rows one tile computes at once on the in-place path: with few channels a tile's rows hold
     * {@code stack} vertically adjacent output rows of each channel, whose windows are the same planar
     * rows shifted by the vertical stride. The stack reads the {@code KH + (stack - 1) * SH} planar rows
     * they cover as one patch of that many filter rows, its filter rows shifted down and zero-padded for
     * each output row ({@link #packStacked}), so the zeros cost multiply-adds: chosen to fill the most of
     * the tile with real ones. The tutorial's 7x7 filters with 2 channels: 3 output rows, 6 of 6 tile rows
     * and 49 of 63 patch columns real, against 2 of 6 rows for one output row. Rows must be stored
     * without gaps, so not with a vertical stride above the filter height.
     */
    static int stackedRows(Conv2dShape s) {
        MicroKernelTile tile = tile(s);
        int oc = s.outChannels();
        if (!readsRowsInPlace(s, tile) || s.strideHeight() > s.filterHeight()) {
            return 1;
        }
        int best = 1;
        double bestShare = 0;
        for (int stack = 1; stack * oc <= tile.rows; stack++) {
            double share = (double) stack * oc * s.filterHeight()
                    / (s.filterHeight() + (stack - 1) * s.strideHeight());
            if (share > bestShare) {
                best = stack;
                bestShare = share;
            }
        }
        return best;
    }

    /** Filter rows of a stack's patch: the planar rows its output rows' windows cover. */
    private static int stackedFilterHeight(Conv2dShape s) {
        return s.filterHeight() + (stackedRows(s) - 1) * s.strideHeight();
    }

    /** Patch columns of a stack: {@link #stackedFilterHeight} filter rows of {@code KW * C}. */
    private static int stackedPatchLength(Conv2dShape s) {
        return Checks.product("convolution stacked patch", stackedFilterHeight(s), s.filterWidth(), s.inChannels());
    }

    /**
     * Packs the filter transposed for {@code stack} output rows: tile row {@code dy * OC + o} holds channel o's
     * filter for output row dy of the stack, its filter row kh at patch row {@code kh + dy * SH} of the
     * stack's {@code depth} columns, zeros elsewhere and in the rows past {@code stack * OC}, which are
     * computed and never written (zeros keep them finite). With a stack of 1, the filter transposed.
     */
    private static void packStacked(Conv2dShape s, float[] filter, int stack, int depth, int tileRows, float[] packed,
                                    int index) {
        int oc = s.outChannels();
        int rowLength = s.filterWidth() * s.inChannels();
        Arrays.fill(packed, index, index + tileRows * depth, 0f);
        for (int dy = 0; dy < stack; dy++) {
            for (int o = 0; o < oc; o++) {
                int row = index + (dy * oc + o) * depth + dy * s.strideHeight() * rowLength;
                for (int p = 0; p < s.patchLength(); p++) {
                    packed[row + p] = filter[p * oc + o];
                }
            }
        }
    }

    /**
     * Whether each tile takes {@code tile.columns} pixels of one output row, its B rows read in place from
     * the planar rows: when a row holds a tile. Narrower rows are packed, a tile's pixels running on
     * across output rows, since a tile per row would leave most of its lanes empty.
     */
    private static boolean readsRowsInPlace(Conv2dShape s, MicroKernelTile tile) {
        return s.outWidth() >= tile.columns;
    }

    /**
     * Floats of the packed operand: the transposed filter, then the stacked one ({@link #stackedRows}) or one
     * depth piece of packed patches.
     */
    static int packedFloats(Conv2dShape s) {
        MicroKernelTile tile = tile(s);
        long stacked = stackedRows(s) > 1 ? (long) tile.rows * stackedPatchLength(s) : 0;
        return Checks.product("convolution packed operand", (long) filterFloats(s)
                + Math.max(stacked, (long) depthPiece(tile) * tile.columns));
    }

    /** Entries of the tap-offset table: one output row's taps and a stack's. */
    static int tapTableLength(Conv2dShape s) {
        return Checks.product("convolution tap table", (long) s.patchLength() + stackedPatchLength(s));
    }

    /** Floats of a chunk's planar input rows. */
    static int planarFloats(Conv2dShape s) {
        return new PlanarRows(s, 0).floats(rowsPerChunk(s));
    }

    /** Output rows per chunk, each with one row start in the offsets table: whole stacks. */
    static int rowsPerChunk(Conv2dShape s) {
        int stack = stackedRows(s);
        return Math.ceilDiv(new PlanarRows(s, 0).outputRowsFor(CHUNK_PIXELS), stack) * stack;
    }

    private static MicroKernelTile tile(Conv2dShape s) {
        return s.outChannels() <= GemmMicroKernel6x4.ROWS ? MicroKernelTile.SIX_BY_FOUR
                : MicroKernelTile.TWELVE_BY_TWO;
    }

    /**
     * {@code tile = A x B}, raw, into a scratch tile of {@code tile.columns}-float rows, on the {@link #tile}'s
     * kernel: A rows (the transposed filter) read in place, depth row p of B at
     * {@code b[bIndex + bRows[bRowsIndex + p]]} (one filter tap's planar input values).
     */
    private static void multiplyIndirectB(MicroKernelTile tile, int kc, float[] a, int aIndex, int lda, float[] b,
                                          int bIndex, int[] bRows, int bRowsIndex, float[] scratchTile) {
        switch (tile) {
            case SIX_BY_FOUR -> GemmMicroKernel6x4.multiplyIndirectB(kc, a, aIndex, lda, b, bIndex, bRows, bRowsIndex,
                    scratchTile);
            case TWELVE_BY_TWO -> GemmMicroKernel12x2.multiplyIndirectB(kc, a, aIndex, lda, b, bIndex, bRows,
                    bRowsIndex, scratchTile);
            case TWELVE_BY_ONE -> throw new AssertionError("tile(s) never chooses " + tile);
        }
    }

    /** The transposed filter, {@code tile.rows} rows of K, rounded up to a cache line. */
    private static int filterFloats(Conv2dShape s) {
        long lines = Math.ceilDiv((long) tile(s).rows * s.patchLength(), CacheLineAligned.LINE_FLOATS);
        return Checks.product("convolution transposed filter", lines, CacheLineAligned.LINE_FLOATS);
    }

    private static int depthPiece(MicroKernelTile tile) {
        return Math.max(1, VectorConv2d.FILTER_PIECE_FLOATS / tile.columns);
    }

    /**
     * Packs patch columns {@code [depth, depth + kc)} of the chunk's pixels {@code [first, first + count)}
     * transposed: column p of pixel j at {@code patches[patchesIndex + (p - depth) * columns + j - first]}.
     * The pixels of one output row are one vector copy per tap; a panel that runs on into the next output
     * row takes a second.
     */
    private static void packPatches(float[] rows, int[] rowStarts, int[] taps, int outWidth, int first, int count,
                                    int depth, int kc, float[] patches, int patchesIndex, int columns) {
        int end = first + count;
        for (int pixel = first; pixel < end; ) {
            int row = pixel / outWidth;
            int x = pixel - row * outWidth;
            int length = Math.min(outWidth - x, end - pixel);
            int source = rowStarts[row] + x;
            int destination = patchesIndex + pixel - first;
            for (int p = 0; p < kc; p++) {
                PatchRows.copy(rows, source + taps[depth + p], patches, destination + p * columns,
                        length);
            }
            pixel += length;
        }
    }

    /**
     * {@code output[(j - from) * oc + o] = act(tile[tileIndex + o * columns + j] + bias[o])} for the tile's
     * pixels {@code j} in {@code [from, min(columns, from + count))}: the tile's channel rows become the NHWC
     * output's columns. One channel is a contiguous row, written with vectors.
     */
    private static void writeTransposed(float[] tile, int tileIndex, int from, int columns, int count, int oc,
                                        float[] bias, boolean relu, float[] output, int outputIndex) {
        int end = Math.min(columns, from + count);
        if (oc == 1) {
            float add = bias == null ? 0f : bias[0];
            int lanes = SPECIES.length();
            // The ReLU is Math.max(v, 0) as a compare and a blend (VectorRelu says why).
            FloatVector zero = FloatVector.zero(SPECIES);
            for (int j = from; j < end; j += lanes) {
                VectorMask<Float> mask = SPECIES.indexInRange(j, end);
                FloatVector v = FloatVector.fromArray(SPECIES, tile, tileIndex + j, mask).add(add);
                if (relu) {
                    v = v.blend(zero, v.compare(VectorOperators.LE, zero));
                }
                v.intoArray(output, outputIndex + j - from, mask);
            }
            return;
        }
        if (oc == 2) {
            writeInterleaved(tile, tileIndex, from, columns, end, bias, relu, output, outputIndex);
            return;
        }
        for (int o = 0; o < oc; o++) {
            float add = bias == null ? 0f : bias[o];
            for (int j = from, t = tileIndex + o * columns + from, out = outputIndex + o; j < end; j++, t++, out += oc) {
                float v = tile[t] + add;
                output[out] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /**
     * {@link #writeTransposed} for two channels: a vector of each channel's pixels becomes two vectors of
     * (channel 0, channel 1) pairs by two two-vector permutes. Scalar stores cost a quarter of the tutorial
     * photo layer's forward.
     */
    private static void writeInterleaved(float[] tile, int tileIndex, int from, int columns, int end, float[] bias,
                                         boolean relu, float[] output, int outputIndex) {
        int lanes = SPECIES.length();
        float add0 = bias == null ? 0f : bias[0];
        float add1 = bias == null ? 0f : bias[1];
        // The ReLU is Math.max(v, 0) as a compare and a blend (VectorRelu says why).
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int j = from; j < end; j += lanes) {
            VectorMask<Float> pixels = SPECIES.indexInRange(j, end);
            FloatVector first = FloatVector.fromArray(SPECIES, tile, tileIndex + j, pixels).add(add0);
            FloatVector second = FloatVector.fromArray(SPECIES, tile, tileIndex + columns + j, pixels).add(add1);
            if (relu) {
                first = first.blend(zero, first.compare(VectorOperators.LE, zero));
                second = second.blend(zero, second.compare(VectorOperators.LE, zero));
            }
            int floats = 2 * Math.min(lanes, end - j);
            int out = outputIndex + 2 * (j - from);
            first.rearrange(INTERLEAVE_LOW, second).intoArray(output, out, SPECIES.indexInRange(0, floats));
            if (floats > lanes) {
                first.rearrange(INTERLEAVE_HIGH, second).intoArray(output, out + lanes,
                        SPECIES.indexInRange(lanes, floats));
            }
        }
    }

    /** Lane 2i takes the first vector's lane i, lane 2i + 1 the second's (an exceptional index: -VLENGTH + i). */
    private static VectorShuffle<Float> interleave(int firstLane) {
        int lanes = SPECIES.length();
        int[] sources = new int[lanes];
        for (int i = 0; i < lanes / 2; i++) {
            sources[2 * i] = firstLane + i;
            sources[2 * i + 1] = firstLane + i - lanes;
        }
        return VectorShuffle.fromArray(SPECIES, sources, 0);
    }
}
