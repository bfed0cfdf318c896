package dev.vectorcnn.kernels;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API convolution: a GEMM over patches computed by the convolution micro-kernels
 * ({@link GemmMicroKernel6x4}/{@link GemmMicroKernel12x2}: 12 x 2 vectors for at most 2*lanes output
 * columns, 6 x 4 above), without ever building the whole im2col matrix. Arguments are trusted (checked
 * by {@link Conv2d}). With {@code M = N*OH*OW} output pixels and {@code K = KH*KW*C} patch columns:
 * <ul>
 *   <li>forward: {@code out[M, OC] = patches[M, K] x filter[K, OC]}, the filter packed once per call
 *       into micro-kernel panels, bias and ReLU fused into the write-back. Work is split by output
 *       rows. When a filter row holds at least {@link #DIRECT_MIN_SEGMENT} floats ({@code KW*C}) the
 *       kernel reads the patches straight from the {@code KH} input rows of each output row (one call
 *       per filter row; the input is never gathered): the input itself when no full tile's windows
 *       reach the left or right padding (MNIST conv2), otherwise zero-padded copies of those rows made
 *       once per output row. The last {@code OW mod ROWS} pixels of each row are gathered into shared
 *       tiles ({@link Remainder}); for shorter filter rows (few channels) the patches of a chunk of
 *       output rows are gathered with a strided copy and the tiles run over the whole patch, or, with
 *       one input channel and stride 1 (MNIST conv1), read in place from zero-padded rows by tiles of
 *       12 or 14 pixels ({@link ConvTnMicroKernel14x2}), whichever covers a row with less overlap.
 *       Direct reads are what XNNPACK's indirection buffer achieves; here a patch row's filter-row
 *       runs are evenly spaced in the padded rows, so a stride replaces the pointer table.</li>
 *   <li>backwardInput: no col2im. The input pixels are split into the {@code sy*sx} stride parity
 *       classes ({@link SubPixel}); each class receives a fixed subset of the filter taps, so its
 *       gradient is a stride-1 correlation of outputGrad with that sub-filter. Bands of class rows
 *       ({@link SubPixelBands}) copy their outputGrad rows zero-padded once; each class's pixels of a
 *       band run on across its rows as whole tiles, every tile row placed by a table both where it
 *       reads and where it writes, so the tiles go straight into inputGrad. Work is split by images.</li>
 *   <li>backwardFilter: {@code filterGrad[K, OC] = patches^T[K, M] x outputGrad[M, OC]} a block of
 *       output rows at a time, read transposed by {@link ConvTnMicroKernel6x4}/{@link ConvTnMicroKernel12x2}:
 *       in place from the block's zero-padded input rows through one window offset per pixel
 *       ({@link #padBlockRows}) when a filter row ({@code KW*C}) is a whole number of tiles, otherwise
 *       from gathered patch rows ({@link PatchRows#gather}); the reduction over M is cut into
 *       groups of whole blocks whose bounds depend only on the shape, each group sums into its own
 *       partial, and the partials are added in group order, so the result is bitwise identical for
 *       any thread count.</li>
 * </ul>
 * A 1x1 stride-1 convolution has the input itself as its patch matrix, so forward and backwardInput
 * are plain {@link Gemm} calls then.
 *
 * <p>Workspace, per thread: one block of patch rows or padded input or output-gradient rows
 * ({@link #patchFloats}, about {@link #PATCH_BLOCK_FLOATS} floats for the filter-gradient blocks), one
 * packed operand (the filter, its sub-filters or a block of output-gradient rows, in an array padded for
 * {@link CacheLineAligned}), one tile and the few-channel paths' padded input rows; on the calling thread
 * also the filter-gradient partials (at most {@link #MAX_FILTER_GROUPS} of {@code K*OC + OC}, fewer for
 * large filters). All of it depends on the layer, none of it on the batch: {@link #workspaceFloats}
 * is the bound and the buffers are sized by the same methods.
 */
final class VectorConv2d {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Target size of one block of gathered patch rows (256 KiB: with the packed operand, fits L2). */
    static final int PATCH_BLOCK_FLOATS = 1 << 16;

    /**
     * Shortest filter row ({@code KW*C} floats) read in place by forward; shorter ones are gathered, since
     * one tile round trip per filter row would cost more than the few multiply-adds it feeds.
     */
    private static final int DIRECT_MIN_SEGMENT = 32;

    /** Most packed-filter floats one forward piece streams through its tiles (24 KiB, half of L1). */
    private static final int FILTER_PIECE_FLOATS = 6144;

    /** Full tiles a forward group of output rows aims at, so that each filter piece is reused. */
    private static final int TILES_PER_GROUP = 8;

    /** Output pixels per forward chunk, rounded up to whole output rows. */
    private static final int PIXELS_PER_CHUNK = 240;

    /** Most output pixels per block, so that small-K layers still give several parallel chunks. */
    private static final int MAX_BLOCK_ROWS = 480;

    /** Block heights are multiples of this, the least common multiple of the two tile heights. */
    private static final int ROW_ALIGN = 12;

    /**
     * Target size of the output-gradient block one filter-gradient block streams through for every
     * tile of K (32 KiB, the L1 data cache).
     */
    private static final int FILTER_GRAD_BLOCK_FLOATS = 1 << 13;

    /**
     * Patch length from which backwardFilter copies output-gradient rows that are already one panel wide,
     * so that the micro-kernel reads them from a cache-line aligned start (see {@link CacheLineAligned}):
     * each row is copied once and read by {@code K / 6} tiles. Measured (JMH, 3 rounds): MNIST conv2
     * (K 288) +3.5%, the 56x56x64 layer (K 576) +5%, MNIST conv1 (K 9) -35%. 64 lies between, where
     * ten tiles share each copied row.
     */
    private static final int ALIGNED_GRAD_MIN_PATCH = 64;

    /** Most filter-gradient partials, the parallelism of backwardFilter. */
    static final int MAX_FILTER_GROUPS = 16;

    /** Ceiling on all filter-gradient partials together, so huge filters get fewer groups. */
    private static final int FILTER_PARTIAL_FLOATS = 1 << 22;

    /** Below this many multiply-adds a call stays on the calling thread: a fork would cost more. */
    private static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 18;

    /** Floats of one micro-kernel tile: 6 x 4 and 12 x 2 vectors are both 24 vectors. */
    private static final int TILE_FLOATS = GemmMicroKernel6x4.ROWS * GemmMicroKernel6x4.COLUMNS;

    /** Floats of the per-thread scratch tile, which also holds a {@link ConvTnMicroKernel14x2} tile. */
    private static final int SCRATCH_TILE_FLOATS = Math.max(TILE_FLOATS,
            ConvTnMicroKernel14x2.ROWS * ConvTnMicroKernel14x2.COLUMNS);

    /** Where the packed operand starts in its scratch array: on a cache line (see {@link CacheLineAligned}). */
    private static final int PACKED_START = CacheLineAligned.FIRST;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorConv2d() {
    }

    static void forward(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu, float[] output) {
        int m = s.outputPixels();
        int k = s.patchLength();
        int oc = s.outChannels();
        if (isPointwise(s)) {
            Gemm.multiply(Transpose.NO, Transpose.NO, m, oc, k, 1f, input, 0, k, filter, 0, oc, 0f, output, 0, oc,
                    new Epilogue(bias, 0, relu));
            return;
        }
        MicroKernelTile tile = MicroKernelTile.forColumns(oc);
        int panels = panels(oc, tile);
        float[] packed = SCRATCH.get().packed(packedFloats(s));
        for (int panel = 0; panel < panels; panel++) {
            packColumns(filter, k, oc, panel, tile.columns, packed, PACKED_START);
        }
        if (s.filterWidth() * s.inChannels() < DIRECT_MIN_SEGMENT) {
            forwardGathered(s, input, bias, relu, output, tile, panels, packed);
        } else {
            forwardDirect(s, input, bias, relu, output, tile, panels, packed);
        }
    }

    /**
     * Forward for filter rows of at least {@link #DIRECT_MIN_SEGMENT} floats: the micro-kernel reads the
     * patches straight from zero-padded input rows. The full tiles of a group of output rows are
     * computed filter row by filter row, in pieces of at most {@link #depthPiece} patch columns, each
     * piece of the packed filter (at most {@link #FILTER_PIECE_FLOATS} floats, held in L1) serving every
     * tile of the group before the next piece is read; the tiles wait in a per-thread buffer between
     * pieces. (Running each tile over the whole patch streamed the whole packed filter from L2 once per
     * six pixels.) The last {@code OW mod ROWS} pixels of each output row go through {@link Remainder}.
     */
    private static void forwardDirect(Conv2dShape s, float[] input, float[] bias, boolean relu, float[] output,
                                      MicroKernelTile tile, int panels, float[] packed) {
        int k = s.patchLength();
        int oc = s.outChannels();
        int outHeight = s.outHeight();
        int outWidth = s.outWidth();
        int filterHeight = s.filterHeight();
        int outRows = s.batch() * outHeight;
        int rowsPerChunk = forwardRowsPerChunk(s);
        int chunks = ceilDiv(outRows, rowsPerChunk);
        int paddedRow = paddedRowFloats(s);
        int segmentLength = s.filterWidth() * s.inChannels();
        int pixelStep = s.strideWidth() * s.inChannels();
        int tilesPerRow = outWidth / tile.rows;
        int fullWidth = tilesPerRow * tile.rows;
        int groupRows = forwardGroupRows(s, tile);
        int piece = depthPiece(tile);
        // When no full tile's windows reach into the left or right padding, the tiles read the input rows
        // themselves: copying them into zero-padded rows cost a tenth of MNIST conv2's forward pass.
        boolean inPlace = s.padLeft() == 0 && (fullWidth - 1) * s.strideWidth() + s.filterWidth() <= s.inWidth();
        int sourceRow = inPlace ? s.inWidth() * s.inChannels() : paddedRow;
        forChunks(isLarge(s), chunks, chunk -> {
            Scratch scratch = SCRATCH.get();
            float[] rows = inPlace ? input : scratch.patches(patchFloats(s));
            float[] tiles = scratch.tiles(tilesFloats(s));
            int[] firstTaps = scratch.firstTaps(groupRows);
            int[] taps = scratch.taps(groupRows);
            int[] rowStarts = scratch.rowStarts(groupRows);
            Remainder remainder = new Remainder(s, input, tile, scratch, scratch.remainderPatches(remainderFloats(s)),
                    packed, bias, relu, output);
            int end = Math.min(outRows, (chunk + 1) * rowsPerChunk);
            for (int group = chunk * rowsPerChunk; group < end; group += groupRows) {
                int groupEnd = Math.min(end, group + groupRows);
                for (int outRow = group; outRow < groupEnd; outRow++) {
                    int g = outRow - group;
                    int image = outRow / outHeight;
                    int top = (outRow - image * outHeight) * s.strideHeight() - s.padTop();
                    // Filter rows over the top or bottom padding add nothing: leave them out.
                    firstTaps[g] = Math.max(0, -top);
                    taps[g] = Math.max(0, Math.min(filterHeight, s.inHeight() - top) - firstTaps[g]);
                    // Every window holds an input row: SAME pads fewer than KH rows above, and the last
                    // window starts inside the input, so taps[g] >= 1.
                    if (inPlace) {
                        rowStarts[g] = (image * s.inHeight() + top + firstTaps[g]) * sourceRow;
                    } else {
                        rowStarts[g] = g * filterHeight * paddedRow;
                        PatchRows.padInputRows(s, input, image, top + firstTaps[g], taps[g], paddedRow, rows,
                                rowStarts[g]);
                    }
                }
                for (int panel = 0; panel < panels; panel++) {
                    int column = panel * tile.columns;
                    for (int kh = 0; kh < filterHeight; kh++) {
                        for (int depth = 0; depth < segmentLength; depth += piece) {
                            int kc = Math.min(piece, segmentLength - depth);
                            int bIndex = PACKED_START + column * k + (kh * segmentLength + depth) * tile.columns;
                            for (int g = 0; g < groupEnd - group; g++) {
                                int tap = kh - firstTaps[g];
                                if (tap < 0 || tap >= taps[g]) {
                                    continue;
                                }
                                boolean accumulate = tap > 0 || depth > 0;
                                int aIndex = rowStarts[g] + tap * sourceRow + depth;
                                int tileIndex = g * tilesPerRow * TILE_FLOATS;
                                for (int t = 0; t < tilesPerRow; t++, aIndex += tile.rows * pixelStep,
                                        tileIndex += TILE_FLOATS) {
                                    tile.multiply(kc, rows, aIndex, pixelStep, packed, bIndex, tiles, tileIndex, accumulate);
                                }
                            }
                        }
                    }
                    for (int g = 0; g < groupEnd - group; g++) {
                        int out = (group + g) * outWidth * oc + column;
                        for (int t = 0; t < tilesPerRow; t++) {
                            GemmWriteBack.apply(tiles, (g * tilesPerRow + t) * TILE_FLOATS, tile.columns, tile.rows, oc - column, output, out + t * tile.rows * oc, oc, 1f, 0f, bias, column, relu);
                        }
                    }
                }
                for (int g = 0; g < groupEnd - group; g++) {
                    for (int ox = fullWidth; ox < outWidth; ox++) {
                        remainder.add((group + g) * outWidth + ox);
                    }
                }
            }
            remainder.flush();
        });
    }

    /**
     * Forward for short filter rows ({@code KW*C < DIRECT_MIN_SEGMENT}): the patches of a chunk of output
     * rows are gathered into one block, stored transposed ({@link PatchRows#gatherOutputRowTransposed}:
     * one row per patch column, one column per pixel, so that for one input channel and stride 1 the
     * gather is a contiguous copy), and the tiles run over it with the full patch as depth, crossing
     * output rows, so there are neither ragged tiles nor per-filter-row tile round trips. With one
     * input channel and stride 1 the padded rows are already in that layout and are read in place
     * ({@link #forwardRowsInPlace}).
     */
    private static void forwardGathered(Conv2dShape s, float[] input, float[] bias, boolean relu, float[] output,
                                        MicroKernelTile tile, int panels, float[] packed) {
        int k = s.patchLength();
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int outRows = s.batch() * s.outHeight();
        int rowsPerChunk = forwardRowsPerChunk(s);
        int chunks = ceilDiv(outRows, rowsPerChunk);
        int paddedRow = paddedRowFloats(s);
        boolean inPlace = readsPatchesInPlace(s, tile);
        forChunks(isLarge(s), chunks, chunk -> {
            Scratch scratch = SCRATCH.get();
            float[] padded = scratch.paddedInputRows(paddedInputRowsFloats(s));
            float[] patchColumns = scratch.patches(patchFloats(s));
            int firstRow = chunk * rowsPerChunk;
            int endRow = Math.min(outRows, firstRow + rowsPerChunk);
            int pixels = (endRow - firstRow) * outWidth;
            int[] windows = scratch.offsets(pixels);
            padBlockRows(s, input, firstRow, endRow - firstRow, paddedRow, padded, windows);
            if (inPlace) {
                forwardRowsInPlace(s, padded, paddedRow, windows, firstRow, endRow, bias, relu, output, tile, panels,
                        packed, scratch);
                return;
            }
            for (int g = 0; g < endRow - firstRow; g++) {
                PatchRows.gatherOutputRowTransposed(s, padded, windows[g * outWidth], paddedRow, patchColumns,
                        g * outWidth, pixels);
            }
            // Patch column p of the block starts p * pixels floats in.
            int[] columnStarts = strided(scratch.tapOffsets(k), k, pixels);
            int out = firstRow * outWidth * oc;
            for (int r = 0; r < pixels; r += tile.rows) {
                int tileRows = Math.min(tile.rows, pixels - r);
                for (int panel = 0; panel < panels; panel++) {
                    int column = panel * tile.columns;
                    if (tileRows == tile.rows && column + tile.columns <= oc) {
                        tile.runIndirectActivated(k, patchColumns, r, columnStarts, packed, PACKED_START + column * k,
                                output, out + r * oc + column, oc, bias, column, relu);
                    } else {
                        tile.runIndirectWrittenBack(k, patchColumns, r, columnStarts, packed,
                                PACKED_START + column * k, output, out + r * oc + column, oc, tileRows, oc - column,
                                false, bias, column, relu, scratch.tile);
                    }
                }
            }
        });
    }

    /**
     * Whether {@link #forwardGathered} reads the patches in place from the padded rows: with one input
     * channel and horizontal stride 1, a filter tap's values for adjacent pixels of an output row are
     * adjacent floats of one padded row, which is the transposed-A kernels' layout; a row must hold a
     * tile.
     */
    private static boolean readsPatchesInPlace(Conv2dShape s, MicroKernelTile tile) {
        return s.inChannels() == 1 && s.strideWidth() == 1 && s.outWidth() >= tile.rows;
    }

    /**
     * Output rows {@code [firstRow, endRow)} of a one-channel stride-1 forward, the tiles reading their
     * patches from the chunk's padded rows through one offset per filter tap
     * ({@link MicroKernelTile#runIndirectActivated}): MNIST conv1 then neither gathers nor copies its
     * patches, which cost it a third of its time. A tile holds pixels of one output row, so the last
     * tile of a row that is not a whole number of tiles starts early and overlaps its neighbour; the
     * pixels both compute get the same value twice, the sums running in the same order. Tiles are
     * {@link #inPlaceTileRows} pixels long.
     */
    private static void forwardRowsInPlace(Conv2dShape s, float[] padded, int paddedRow, int[] windows, int firstRow,
                                           int endRow, float[] bias, boolean relu, float[] output,
                                           MicroKernelTile tile, int panels, float[] packed, Scratch scratch) {
        int k = s.patchLength();
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int filterWidth = s.filterWidth();
        int[] taps = scratch.tapOffsets(k);
        for (int p = 0; p < k; p++) {
            taps[p] = p / filterWidth * paddedRow + p % filterWidth;
        }
        int tileRows = inPlaceTileRows(outWidth, tile);
        for (int g = 0; g < endRow - firstRow; g++) {
            int rowOutput = (firstRow + g) * outWidth * oc;
            for (int x = 0; x < outWidth; x += tileRows) {
                int first = Math.min(x, outWidth - tileRows);
                int window = windows[g * outWidth + first];
                for (int panel = 0; panel < panels; panel++) {
                    int column = panel * tile.columns;
                    int out = rowOutput + first * oc + column;
                    if (column + tile.columns <= oc) {
                        runInPlaceTile(tileRows, tile, k, padded, window, taps, packed, PACKED_START + column * k,
                                output, out, oc, bias, column, relu);
                    } else {
                        runInPlaceTile(tileRows, tile, k, padded, window, taps, packed, PACKED_START + column * k,
                                scratch.tile, 0, tile.columns, null, 0, false);
                        GemmWriteBack.apply(scratch.tile, 0, tile.columns, tileRows, oc - column, output, out, oc, 1f,
                                0f, bias, column, relu);
                    }
                }
            }
        }
    }

    /**
     * Pixels per tile of {@link #forwardRowsInPlace}: the tile's own rows, or, for the 2-vector tile,
     * 14 ({@link ConvTnMicroKernel14x2}) where tiles of 14 cover an output row with fewer pixels
     * computed than tiles of 12. MNIST conv1's 28-pixel rows are two tiles of 14 against three of 12
     * that compute 36 pixels.
     */
    private static int inPlaceTileRows(int outWidth, MicroKernelTile tile) {
        int longRows = ConvTnMicroKernel14x2.ROWS;
        if (tile != MicroKernelTile.TWELVE_BY_TWO || outWidth < longRows) {
            return tile.rows;
        }
        boolean longerComputesLess = ceilDiv(outWidth, longRows) * longRows < ceilDiv(outWidth, tile.rows) * tile.rows;
        return longerComputesLess ? longRows : tile.rows;
    }

    /** One full-width tile of {@link #forwardRowsInPlace}, {@code tileRows} pixels long (see {@link #inPlaceTileRows}). */
    private static void runInPlaceTile(int tileRows, MicroKernelTile tile, int k, float[] a, int aIndex, int[] taps,
                                       float[] b, int bIndex, float[] c, int cIndex, int ldc, float[] bias,
                                       int biasIndex, boolean relu) {
        if (tileRows == ConvTnMicroKernel14x2.ROWS) {
            ConvTnMicroKernel14x2.run(k, a, aIndex, taps, b, bIndex, bias, biasIndex,
                    relu ? 0f : Float.NEGATIVE_INFINITY, c, cIndex, ldc);
        } else {
            tile.runIndirectActivated(k, a, aIndex, taps, b, bIndex, c, cIndex, ldc, bias, biasIndex, relu);
        }
    }

    /**
     * The last {@code OW mod ROWS} pixels of each output row, which would leave a tile mostly empty:
     * their patches are gathered, up to a full tile from several output rows, and computed as one
     * single-segment tile whose rows are written back one by one. Each pixel's sum runs over the patch
     * in the same order as on the direct path (which only leaves out the exact zeros of padded rows).
     */
    private static final class Remainder {
        private final Conv2dShape s;
        private final MicroKernelTile tile;
        private final float[] input;
        private final Scratch scratch;
        /** The gathered patches of up to a tile of pixels, row r at {@code r * patchLength}. */
        private final float[] patches;
        private final float[] packed;
        private final float[] bias;
        private final boolean relu;
        private final float[] output;
        private final int patchLength;
        private int count;

        Remainder(Conv2dShape s, float[] input, MicroKernelTile tile, Scratch scratch, float[] patches, float[] packed,
                  float[] bias, boolean relu, float[] output) {
            this.s = s;
            this.input = input;
            this.tile = tile;
            this.scratch = scratch;
            this.patches = patches;
            this.packed = packed;
            this.bias = bias;
            this.relu = relu;
            this.output = output;
            this.patchLength = s.patchLength();
        }

        /** Adds output pixel {@code pixel} (over {@code N*OH*OW}). */
        void add(int pixel) {
            PatchRows.gather(s, input, pixel, 1, patches, count * patchLength);
            scratch.remainderPixels[count] = pixel;
            if (++count == tile.rows) {
                flush();
            }
        }

        void flush() {
            if (count == 0) {
                return;
            }
            int oc = s.outChannels();
            for (int column = 0; column < oc; column += tile.columns) {
                tile.multiply(patchLength, patches, 0, patchLength, packed,
                        PACKED_START + column * patchLength, scratch.tile, 0, false);
                for (int r = 0; r < count; r++) {
                    GemmWriteBack.apply(scratch.tile, r * tile.columns, tile.columns, 1, oc - column, output, scratch.remainderPixels[r] * oc + column, oc, 1f, 0f, bias, column, relu);
                }
            }
            count = 0;
        }
    }

    static void backwardInput(Conv2dShape s, float[] filter, float[] outputGrad, float[] inputGrad) {
        int m = s.outputPixels();
        int k = s.patchLength();
        int oc = s.outChannels();
        if (isPointwise(s)) {
            Gemm.multiply(Transpose.NO, Transpose.YES, m, k, oc, 1f, outputGrad, 0, oc, filter, 0, oc,
                    0f, inputGrad, 0, k);
            return;
        }
        MicroKernelTile tile = MicroKernelTile.forColumns(s.inChannels());
        SubPixelBands bands = new SubPixelBands(s, tile);
        int panels = panels(s.inChannels(), tile);
        float[] packed = SCRATCH.get().packed(packedFloats(s));
        int[] classStarts = new int[bands.classes.length];
        int offset = PACKED_START;
        for (int i = 0; i < bands.classes.length; i++) {
            classStarts[i] = offset;
            for (int panel = 0; panel < panels; panel++) {
                bands.classes[i].packFilter(filter, panel, tile.columns, packed, offset);
                offset += bands.classes[i].depth() * tile.columns;
            }
        }
        // Sized once per call: patchFloats builds the band geometry again for its bound.
        int paddedLength = patchFloats(s);
        forChunks(isLarge(s), s.batch(), image -> {
            Scratch scratch = SCRATCH.get();
            float[] padded = scratch.patches(paddedLength);
            for (int firstClassRow = 0; firstClassRow < bands.classRows; firstClassRow += bands.rows) {
                bands.pad(image, firstClassRow, outputGrad, padded);
                for (int i = 0; i < bands.classes.length; i++) {
                    bands.compute(bands.classes[i], image, firstClassRow, padded, packed, classStarts[i], scratch,
                            inputGrad);
                }
            }
        });
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
            tapsY = Math.max(0, ceilDiv(s.filterHeight() - firstTapY, sy));
            tapsX = Math.max(0, ceilDiv(s.filterWidth() - firstTapX, sx));
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
                        java.util.Arrays.fill(packed, out + valid, out + width, 0f);
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

    /**
     * How backwardInput walks an image: in bands of {@link #rows} class rows. The outputGrad rows every
     * class of a band reads are copied once into a zero-padded buffer, and each class's pixels of the
     * band, taken row after row as one run, are cut into whole tiles: a tile may cross class rows, since
     * the micro-kernel places each of its rows through a table ({@link MicroKernelTile#multiplyRows}),
     * both where it reads outputGrad and where it writes the input gradient. {@link #rows} makes a band's
     * pixels a whole number of tiles, so only a band cut short by the image's last class row has a
     * ragged tile. (Tiles within one class row left MNIST conv2's 14-pixel rows at 12 + 2, the 2 gathered
     * into shared tiles; this runs its input gradient 6.5% faster, 177 against 166 calls/s.) Each input pixel is computed by one tile, its taps summed in
     * a fixed order: the result does not depend on how images are spread over threads.
     *
     * <p>Where the layer has 64 output channels, one panel of input channels and class rows of a multiple
     * of 14 pixels (MNIST conv2), tiles are instead 14 pixels of one class row on
     * {@link Stride64MicroKernel14x2}, whose rows of A lie a constant 64 floats apart: 16% faster there
     * (see that class). The pixels sum their taps in the same order either way, so the results are the same.
     */
    private static final class SubPixelBands {
        private final Conv2dShape s;
        private final MicroKernelTile tile;
        final SubPixel[] classes;
        /** Class rows per band, and the most class rows of any class. */
        final int rows;
        final int classRows;
        /** Padded row 0 holds output row {@code firstClassRow + firstOutRow}; column 0 output column {@code firstOutColumn}. */
        private final int firstOutRow;
        private final int firstOutColumn;
        private final int paddedRows;
        private final int paddedColumns;

        SubPixelBands(Conv2dShape s, MicroKernelTile tile) {
            this.s = s;
            this.tile = tile;
            classes = new SubPixel[s.strideHeight() * s.strideWidth()];
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

        /** Copies the outputGrad rows of the band from class row {@code firstClassRow}, zero outside the output. */
        void pad(int image, int firstClassRow, float[] outputGrad, float[] padded) {
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
                    java.util.Arrays.fill(padded, dst, dst + rowFloats, 0f);
                    continue;
                }
                java.util.Arrays.fill(padded, dst, dst + left * oc, 0f);
                System.arraycopy(outputGrad, ((image * outHeight + outRow) * outWidth + firstOutColumn + left) * oc,
                        padded, dst + left * oc, length * oc);
                java.util.Arrays.fill(padded, dst + (left + length) * oc, dst + rowFloats, 0f);
            }
        }

        /**
         * Computes and writes class {@code c}'s pixels of the band from class row {@code firstClassRow} of
         * image {@code image}, from the padded buffer and the class's packed sub-filter at {@code packedStart}.
         */
        void compute(SubPixel c, int image, int firstClassRow, float[] padded, float[] packed, int packedStart,
                     Scratch scratch, float[] inputGrad) {
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
            int[] aRows = scratch.aRows;
            int[] starts = scratch.inputStarts;
            // Class pixel (a, b) of the band reads the padded buffer from ((a * paddedColumns + b) + shift) * OC.
            int shift = (c.firstOutRow - firstOutRow) * paddedColumns + c.firstOutColumn - firstOutColumn;
            int pixelStep = s.strideWidth() * channels;
            if (fixedStrideTiles(c)) {
                computeFixedStride(c, image, firstClassRow, bandClassRows, padded, packed, packedStart, shift,
                        scratch.fixedStrideRows, inputGrad);
                return;
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
                        java.util.Arrays.fill(scratch.tile, 0f);
                    }
                    for (int i = firstTap; i < endTap; i++) {
                        tile.multiplyRows(kc, padded, i * rowFloats, aRows, packed, panelStart + i * kc * tile.columns,
                                direct ? inputGrad : scratch.tile, direct ? column : 0,
                                direct ? starts : tile.scratchRows, i > firstTap);
                    }
                    if (!direct) {
                        for (int r = 0; r < count; r++) {
                            GemmWriteBack.apply(scratch.tile, r * tile.columns, tile.columns, 1, channels - column,
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
         * per tap row that reaches the output, the later ones adding to the first, as in {@link #compute}.
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
                            java.util.Arrays.fill(inputGrad, inputRows[r], inputRows[r] + channels, 0f);
                        }
                        continue;
                    }
                    int read = (a * paddedColumns + b + shift) * oc;
                    for (int i = firstTap; i < endTap; i++) {
                        Stride64MicroKernel14x2.multiplyRows(kc, padded, i * rowFloats + read, packed,
                                packedStart + i * kc * tile.columns, inputGrad, inputRows, i > firstTap);
                    }
                }
            }
        }
    }

    /**
     * The filter (and bias) gradient, block of output pixels by block; with {@code reluOutput}, each block
     * of {@code outputGrad} is masked in place first, so the mask costs no pass of its own.
     */
    static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                               float[] biasGrad, float[] reluOutput) {
        int m = s.outputPixels();
        int k = s.patchLength();
        int oc = s.outChannels();
        MicroKernelTile tile = MicroKernelTile.forColumns(oc);
        int panels = panels(oc, tile);
        int blockRows = filterGradBlockRows(s);
        int blocks = ceilDiv(m, blockRows);
        int blocksPerGroup = ceilDiv(blocks, Math.min(blocks, maxFilterGroups(s)));
        int groups = ceilDiv(blocks, blocksPerGroup);
        int filterLength = k * oc;
        int partialLength = filterLength + oc;
        float[] partials = SCRATCH.get().partials(partialFloats(s));
        // Rows of exactly one panel's width are already in the packed layout the micro-kernel reads; they
        // are still copied, to a cache-line aligned start, when enough tiles of K read each of them.
        boolean inPlace = oc == tile.columns && k < ALIGNED_GRAD_MIN_PATCH;
        int outWidth = s.outWidth();
        int segmentLength = s.filterWidth() * s.inChannels();
        int paddedRow = paddedRowFloats(s);
        forChunks(isLarge(s), groups, group -> {
            Scratch scratch = SCRATCH.get();
            float[] patches = scratch.patches(patchFloats(s));
            float[] packedGrad = inPlace ? null : scratch.packed(packedFloats(s));
            int[] offsets = scratch.offsets(blockRows);
            int partial = group * partialLength;
            int firstBlock = group * blocksPerGroup;
            int endBlock = Math.min(blocks, firstBlock + blocksPerGroup);
            for (int block = firstBlock; block < endBlock; block++) {
                int first = block * blockRows;
                int rows = Math.min(blockRows, m - first);
                boolean accumulate = block != firstBlock;
                if (reluOutput != null) {
                    VectorRelu.backward(reluOutput, outputGrad, outputGrad, first * oc, (first + rows) * oc);
                }
                // Few channels: patches gathered transposed (a fast strided copy), read as rows.
                boolean transposed = segmentLength < DIRECT_MIN_SEGMENT;
                // Tiles that never straddle two filter rows read the patches in place from padded input rows.
                boolean direct = !transposed && segmentLength % tile.rows == 0;
                if (transposed) {
                    float[] padded = scratch.paddedInputRows(paddedInputRowsFloats(s));
                    padBlockRows(s, input, first / outWidth, rows / outWidth, paddedRow, padded, offsets);
                    for (int g = 0; g < rows / outWidth; g++) {
                        PatchRows.gatherOutputRowTransposed(s, padded, offsets[g * outWidth], paddedRow, patches,
                                g * outWidth, rows);
                    }
                } else if (direct) {
                    padBlockRows(s, input, first / outWidth, rows / outWidth, paddedRow, patches, offsets);
                } else {
                    PatchRows.gather(s, input, first, rows, patches, 0);
                    strided(offsets, rows, k); // patch row p starts p * k floats in
                }
                float[] b = outputGrad;
                int bStart = first * oc;
                if (!inPlace) {
                    for (int panel = 0; panel < panels; panel++) {
                        packRows(outputGrad, first, rows, oc, panel, tile.columns, packedGrad, PACKED_START);
                    }
                    b = packedGrad;
                    bStart = PACKED_START;
                }
                for (int r = 0; r < k; r += tile.rows) {
                    int tileRows = Math.min(tile.rows, k - r);
                    for (int panel = 0; panel < panels; panel++) {
                        int column = panel * tile.columns;
                        if (transposed) {
                            tile.multiplyWrittenBack(rows, patches, r * rows, rows, b, bStart + column * rows, partials,
                                    partial + r * oc + column, oc, tileRows, oc - column, accumulate, null, 0, false,
                                    scratch.tile);
                        } else if (direct) {
                            int aIndex = r / segmentLength * paddedRow + r % segmentLength;
                            tile.runIndirect(rows, patches, aIndex, offsets, b, bStart + column * rows, partials,
                                    partial + r * oc + column, oc, oc - column, accumulate, scratch.tile);
                        } else {
                            tile.runIndirectWrittenBack(rows, patches, r, offsets, b, bStart + column * rows,
                                    partials, partial + r * oc + column, oc, tileRows, oc - column, accumulate, null,
                                    0, false, scratch.tile);
                        }
                    }
                }
                if (biasGrad != null) {
                    sumRows(outputGrad, first, rows, oc, partials, partial + filterLength, !accumulate);
                }
            }
        });
        combine(partials, groups, partialLength, 0, filterGrad, filterLength);
        if (biasGrad != null) {
            combine(partials, groups, partialLength, filterLength, biasGrad, oc);
        }
    }

    /**
     * Copies the input rows the windows of output rows {@code [firstOutRow, firstOutRow + outRows)} (over
     * {@code N*OH}) cover into {@code padded}, zero-padded as {@link PatchRows#padInputRows} does, zero
     * rows for the top and bottom padding; rows shared by vertically overlapping windows of one image
     * are stored once, in order, so filter row kh of a window lies {@code kh * paddedRow} floats after
     * its first. Sets {@code offsets[g*OW + ox]} to where the window of pixel ox of output row g starts.
     * (Gathering whole patch rows instead wrote {@code KH*KW*C} floats per pixel, beyond L1, and cost
     * a fifth of conv2's filter gradient.)
     */
    private static void padBlockRows(Conv2dShape s, float[] input, int firstOutRow, int outRows, int paddedRow,
                                     float[] padded, int[] offsets) {
        int outHeight = s.outHeight();
        int outWidth = s.outWidth();
        int filterHeight = s.filterHeight();
        int pixelStep = s.strideWidth() * s.inChannels();
        int image = -1;
        int firstRow = 0;
        int endRow = 0;
        int base = 0;
        for (int g = 0; g < outRows; g++) {
            int outRow = firstOutRow + g;
            int rowImage = outRow / outHeight;
            int top = (outRow - rowImage * outHeight) * s.strideHeight() - s.padTop();
            if (rowImage != image || top > endRow) {
                // A new image, or a stride above the filter height left a gap: start a fresh run of rows.
                base += endRow - firstRow;
                image = rowImage;
                firstRow = top;
                endRow = top;
            }
            for (; endRow < top + filterHeight; endRow++) {
                int slot = (base + endRow - firstRow) * paddedRow;
                if (endRow < 0 || endRow >= s.inHeight()) {
                    java.util.Arrays.fill(padded, slot, slot + paddedRow, 0f);
                } else {
                    PatchRows.padInputRows(s, input, image, endRow, 1, paddedRow, padded, slot);
                }
            }
            int start = (base + top - firstRow) * paddedRow;
            for (int ox = 0; ox < outWidth; ox++) {
                offsets[g * outWidth + ox] = start + ox * pixelStep;
            }
        }
    }

    /**
     * Whether every scratch array this class sizes for {@code s} fits an int index. The sizes are computed
     * by the same methods that allocate them, which throw {@link IllegalArgumentException} past
     * {@code Integer.MAX_VALUE}; asking them is the one place that cannot drift from the allocations.
     */
    static boolean fitsIntIndices(Conv2dShape s) {
        try {
            workspaceFloats(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The most floats of per-thread scratch any method uses for {@code s} (the calling thread's, which
     * also holds the filter-gradient partials); independent of the batch.
     */
    static long workspaceFloats(Conv2dShape s) {
        return (long) CacheLineAligned.lengthFor(packedFloats(s)) + patchFloats(s) + paddedInputRowsFloats(s)
                + partialFloats(s) + SCRATCH_TILE_FLOATS + remainderFloats(s) + tilesFloats(s)
                + 3L * forwardGroupRows(s, MicroKernelTile.forColumns(s.outChannels()))
                + Math.max(filterGradBlockRows(s), (long) forwardRowsPerChunk(s) * s.outWidth()) + s.patchLength()
                + 3L * ROW_ALIGN;
    }

    /** Floats of the scratch the current thread holds now, for the workspace test. */
    static long scratchFloatsOfCurrentThread() {
        return SCRATCH.get().floats();
    }

    private static boolean isPointwise(Conv2dShape s) {
        return s.filterHeight() == 1 && s.filterWidth() == 1 && s.strideHeight() == 1 && s.strideWidth() == 1;
    }

    private static boolean isLarge(Conv2dShape s) {
        return (long) s.outputPixels() * s.patchLength() * s.outChannels() >= PARALLEL_MIN_MULTIPLY_ADDS;
    }

    /** Output pixels per patch block: about {@link #PATCH_BLOCK_FLOATS} floats of patch rows. */
    private static int blockRows(int patchLength) {
        int rows = Math.min(MAX_BLOCK_ROWS, PATCH_BLOCK_FLOATS / patchLength);
        return Math.max(ROW_ALIGN, rows / ROW_ALIGN * ROW_ALIGN);
    }

    /**
     * Output pixels per backwardFilter block: whole output rows (at least one), as many as keep the
     * block's output-gradient rows in L1 across the K tiles.
     */
    private static int filterGradBlockRows(Conv2dShape s) {
        int rows = Math.min(blockRows(s.patchLength()), FILTER_GRAD_BLOCK_FLOATS / s.outChannels());
        return Math.max(1, rows / s.outWidth()) * s.outWidth();
    }

    private static int maxFilterGroups(Conv2dShape s) {
        long partial = (long) s.patchLength() * s.outChannels() + s.outChannels();
        return (int) Math.max(1, Math.min(MAX_FILTER_GROUPS, FILTER_PARTIAL_FLOATS / partial));
    }

    private static int packedFloats(Conv2dShape s) {
        int k = s.patchLength();
        int oc = s.outChannels();
        long forward = (long) panels(oc, MicroKernelTile.forColumns(oc)) * MicroKernelTile.forColumns(oc).columns * k;
        MicroKernelTile inputTile = MicroKernelTile.forColumns(s.inChannels());
        // The sub-filters of all classes together hold every tap once.
        long backwardInput = (long) panels(s.inChannels(), inputTile) * inputTile.columns * k / s.inChannels() * oc;
        long backwardFilter = (long) panels(oc, MicroKernelTile.forColumns(oc)) * MicroKernelTile.forColumns(oc).columns
                * filterGradBlockRows(s);
        return Checks.product("convolution packed operand", Math.max(forward, Math.max(backwardInput, backwardFilter)));
    }

    /**
     * The larger of: the patch rows of a backward block plus one tile height of slack read by the ragged
     * last K tile, and forward's padded input rows plus the slack a ragged tile of pixels reads.
     */
    private static int patchFloats(Conv2dShape s) {
        int rows = Math.max(blockRows(s.patchLength()), filterGradBlockRows(s));
        long backward = (long) rows * s.patchLength() + ROW_ALIGN;
        // The transposed filter-gradient block: a ragged last tile reads up to ROW_ALIGN rows past K.
        long backwardTransposed = (long) (s.patchLength() + ROW_ALIGN) * filterGradBlockRows(s);
        long forward = (long) forwardGroupRows(s, MicroKernelTile.forColumns(s.outChannels())) * s.filterHeight()
                * paddedRowFloats(s) + (long) ROW_ALIGN * s.strideWidth() * s.inChannels();
        long forwardGathered = (long) forwardRowsPerChunk(s) * s.outWidth() * s.patchLength() + ROW_ALIGN;
        // backwardFilter's padded input rows: at most KH new rows per output row of a block.
        long backwardFilter = (long) filterGradBlockRows(s) / s.outWidth() * s.filterHeight() * paddedRowFloats(s);
        long backwardInput = new SubPixelBands(s, MicroKernelTile.forColumns(s.inChannels())).paddedFloats();
        return Checks.product("convolution patch block", Math.max(Math.max(backwardInput, backwardFilter),
                Math.max(Math.max(backward, backwardTransposed), Math.max(forward, forwardGathered))));
    }

    /** Floats of one zero-padded input row as forward reads it: every window of an output row, nothing more. */
    private static int paddedRowFloats(Conv2dShape s) {
        return Checks.product("padded input row", (long) (s.outWidth() - 1) * s.strideWidth() + s.filterWidth(),
                s.inChannels());
    }

    /** A full tile of gathered patch rows for forward's remainder pixels. */
    private static int remainderFloats(Conv2dShape s) {
        return Checks.product("convolution remainder tile", ROW_ALIGN, s.patchLength());
    }

    /**
     * The padded input rows of the few-channel paths ({@link #forwardGathered} and the transposed
     * filter gradient): at most KH per output row of a chunk or block ({@link #padBlockRows}).
     */
    private static int paddedInputRowsFloats(Conv2dShape s) {
        int outRows = Math.max(forwardRowsPerChunk(s), filterGradBlockRows(s) / s.outWidth());
        return Checks.product("convolution padded rows", outRows, s.filterHeight(), paddedRowFloats(s));
    }

    private static int forwardRowsPerChunk(Conv2dShape s) {
        return ceilDiv(PIXELS_PER_CHUNK, s.outWidth());
    }

    /** Output rows forwardDirect computes together: enough for {@link #TILES_PER_GROUP} full tiles. */
    private static int forwardGroupRows(Conv2dShape s, MicroKernelTile tile) {
        int tilesPerRow = Math.max(1, s.outWidth() / tile.rows);
        return Math.min(forwardRowsPerChunk(s), ceilDiv(TILES_PER_GROUP, tilesPerRow));
    }

    /** Patch columns per forward piece: the piece of the packed filter stays within {@link #FILTER_PIECE_FLOATS}. */
    private static int depthPiece(MicroKernelTile tile) {
        return Math.max(1, FILTER_PIECE_FLOATS / tile.columns);
    }

    /** The waiting tiles of one forwardDirect group. */
    private static int tilesFloats(Conv2dShape s) {
        MicroKernelTile tile = MicroKernelTile.forColumns(s.outChannels());
        return Checks.product("convolution forward tiles", forwardGroupRows(s, tile),
                Math.max(1, s.outWidth() / tile.rows), TILE_FLOATS);
    }

    private static int partialFloats(Conv2dShape s) {
        return Checks.product("convolution filter-gradient partials", maxFilterGroups(s),
                (long) s.patchLength() * s.outChannels() + s.outChannels());
    }

    private static int panels(int columns, MicroKernelTile tile) {
        return ceilDiv(columns, tile.columns);
    }

    /** Fills {@code offsets[0, count)} with {@code p * stride}: a strided operand for the indirect kernels. */
    private static int[] strided(int[] offsets, int count, int stride) {
        for (int p = 0; p < count; p++) {
            offsets[p] = p * stride;
        }
        return offsets;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Packs columns {@code [panel*width, +width)} of the row-major {@code [rows, cols]} matrix, zero-padded,
     * panel p from {@code packed[start + p*width*rows]}.
     */
    private static void packColumns(float[] matrix, int rows, int cols, int panel, int width, float[] packed,
                                    int start) {
        int column = panel * width;
        int valid = Math.min(width, cols - column);
        int out = start + column * rows;
        for (int p = 0; p < rows; p++, out += width) {
            System.arraycopy(matrix, p * cols + column, packed, out, valid);
            java.util.Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /** Packs columns {@code [panel*width, +width)} of {@code rows} rows of {@code [*, cols]} from row {@code first}. */
    private static void packRows(float[] matrix, int first, int rows, int cols, int panel, int width, float[] packed,
                                 int start) {
        int column = panel * width;
        int valid = Math.min(width, cols - column);
        int out = start + column * rows;
        for (int p = 0; p < rows; p++, out += width) {
            System.arraycopy(matrix, (first + p) * cols + column, packed, out, valid);
            java.util.Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /**
     * {@code sums[j] (=|+=) sum of rows [first, first+rows) of matrix[*, cols]}, rows added in order. Each
     * column vector sums down the rows in a register: adding row by row into {@code sums} itself chained
     * every add through a store and a reload (MNIST conv1's filter gradient ran 24% slower that way).
     * Four (or two) column vectors go down the rows together, so that independent chains of adds hide the
     * add latency that one chain at a time waited on.
     */
    private static void sumRows(float[] matrix, int first, int rows, int cols, float[] sums, int sumsIndex,
                                boolean overwrite) {
        int lanes = SPECIES.length();
        int j = 0;
        for (; j <= cols - 4 * lanes; j += 4 * lanes) {
            int at = sumsIndex + j;
            FloatVector sum0 = overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, sums, at);
            FloatVector sum1 = overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, sums, at + lanes);
            FloatVector sum2 = overwrite ? FloatVector.zero(SPECIES)
                    : FloatVector.fromArray(SPECIES, sums, at + 2 * lanes);
            FloatVector sum3 = overwrite ? FloatVector.zero(SPECIES)
                    : FloatVector.fromArray(SPECIES, sums, at + 3 * lanes);
            for (int p = 0, index = first * cols + j; p < rows; p++, index += cols) {
                sum0 = sum0.add(FloatVector.fromArray(SPECIES, matrix, index));
                sum1 = sum1.add(FloatVector.fromArray(SPECIES, matrix, index + lanes));
                sum2 = sum2.add(FloatVector.fromArray(SPECIES, matrix, index + 2 * lanes));
                sum3 = sum3.add(FloatVector.fromArray(SPECIES, matrix, index + 3 * lanes));
            }
            sum0.intoArray(sums, at);
            sum1.intoArray(sums, at + lanes);
            sum2.intoArray(sums, at + 2 * lanes);
            sum3.intoArray(sums, at + 3 * lanes);
        }
        for (; j <= cols - 2 * lanes; j += 2 * lanes) {
            int at = sumsIndex + j;
            FloatVector sum0 = overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, sums, at);
            FloatVector sum1 = overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, sums, at + lanes);
            for (int p = 0, index = first * cols + j; p < rows; p++, index += cols) {
                sum0 = sum0.add(FloatVector.fromArray(SPECIES, matrix, index));
                sum1 = sum1.add(FloatVector.fromArray(SPECIES, matrix, index + lanes));
            }
            sum0.intoArray(sums, at);
            sum1.intoArray(sums, at + lanes);
        }
        for (; j <= cols - lanes; j += lanes) {
            FloatVector sum = overwrite ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, sums, sumsIndex + j);
            for (int p = 0, index = first * cols + j; p < rows; p++, index += cols) {
                sum = sum.add(FloatVector.fromArray(SPECIES, matrix, index));
            }
            sum.intoArray(sums, sumsIndex + j);
        }
        for (; j < cols; j++) {
            float sum = overwrite ? 0f : sums[sumsIndex + j];
            for (int p = 0, index = first * cols + j; p < rows; p++, index += cols) {
                sum += matrix[index];
            }
            sums[sumsIndex + j] = sum;
        }
    }

    /** {@code result[i] = sum over groups g, in order, of partials[g*stride + offset + i]}. */
    private static void combine(float[] partials, int groups, int stride, int offset, float[] result, int length) {
        System.arraycopy(partials, offset, result, 0, length);
        int lanes = SPECIES.length();
        for (int g = 1; g < groups; g++) {
            int base = g * stride + offset;
            int i = 0;
            for (; i <= length - lanes; i += lanes) {
                FloatVector.fromArray(SPECIES, result, i)
                        .add(FloatVector.fromArray(SPECIES, partials, base + i))
                        .intoArray(result, i);
            }
            for (; i < length; i++) {
                result[i] += partials[base + i];
            }
        }
    }

    private static void forChunks(boolean parallel, int chunks, IntConsumer body) {
        if (parallel) {
            KernelThreads.parallelFor(chunks, body);
        } else {
            for (int chunk = 0; chunk < chunks; chunk++) {
                body.accept(chunk);
            }
        }
    }

    /** Grow-only per-thread buffers, so steady-state calls allocate nothing. */
    private static final class Scratch {
        private float[] packed = new float[0];
        private float[] patches = new float[0];
        /** The few-channel paths' zero-padded input rows ({@link #padBlockRows}). */
        private float[] paddedInputRows = new float[0];
        private float[] partials = new float[0];
        /** One micro-kernel tile: 24 vectors for both shapes, 28 for {@link ConvTnMicroKernel14x2}. */
        final float[] tile = new float[SCRATCH_TILE_FLOATS];
        /** Output pixels of the forward remainder tile and their gathered patches. */
        final int[] remainderPixels = new int[ROW_ALIGN];
        /** Where each row of a backwardInput tile reads the padded outputGrad, and where its pixel starts in the input gradient. */
        final int[] aRows = new int[ROW_ALIGN];
        final int[] inputStarts = new int[ROW_ALIGN];
        /** Where each row of a {@link Stride64MicroKernel14x2} tile starts in the input gradient. */
        final int[] fixedStrideRows = new int[Stride64MicroKernel14x2.ROWS];
        private float[] remainderPatches = new float[0];
        /**
         * forwardDirect's waiting tiles and, per output row of its group, the first and number of filter
         * rows and where its first filter row starts.
         */
        private float[] tiles = new float[0];
        private int[] firstTaps = new int[0];
        private int[] rowStarts = new int[0];
        private int[] taps = new int[0];
        /** Window starts in the padded rows, one per output pixel: a backwardFilter block or a forwardGathered chunk. */
        private int[] offsets = new int[0];
        /** Where each filter tap lies from its window's start in the padded rows: forwardRowsInPlace. */
        private int[] tapOffsets = new int[0];

        /** The packed operand, from {@link #PACKED_START}. */
        float[] packed(int length) {
            if (packed.length < CacheLineAligned.lengthFor(length)) {
                packed = CacheLineAligned.floats(length);
            }
            return packed;
        }

        float[] patches(int length) {
            if (patches.length < length) {
                patches = new float[length];
            }
            return patches;
        }

        float[] paddedInputRows(int length) {
            if (paddedInputRows.length < length) {
                paddedInputRows = new float[length];
            }
            return paddedInputRows;
        }

        float[] tiles(int length) {
            if (tiles.length < length) {
                tiles = new float[length];
            }
            return tiles;
        }

        int[] rowStarts(int length) {
            if (rowStarts.length < length) {
                rowStarts = new int[length];
            }
            return rowStarts;
        }

        int[] firstTaps(int length) {
            if (firstTaps.length < length) {
                firstTaps = new int[length];
            }
            return firstTaps;
        }

        int[] taps(int length) {
            if (taps.length < length) {
                taps = new int[length];
            }
            return taps;
        }

        float[] remainderPatches(int length) {
            if (remainderPatches.length < length) {
                remainderPatches = new float[length];
            }
            return remainderPatches;
        }

        int[] tapOffsets(int length) {
            if (tapOffsets.length < length) {
                tapOffsets = new int[length];
            }
            return tapOffsets;
        }

        int[] offsets(int length) {
            if (offsets.length < length) {
                offsets = new int[length];
            }
            return offsets;
        }

        float[] partials(int length) {
            if (partials.length < length) {
                partials = new float[length];
            }
            return partials;
        }

        long floats() {
            return (long) packed.length + patches.length + paddedInputRows.length + partials.length + tile.length
                    + remainderPatches.length + tiles.length + firstTaps.length + taps.length + rowStarts.length
                    + offsets.length + tapOffsets.length + remainderPixels.length + aRows.length + inputStarts.length
                    + fixedStrideRows.length;
        }
    }
}
