package dev.vectorcnn.kernels;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API convolution: a GEMM over patches computed by the convolution micro-kernels
 * ({@link MicroKernelTile}: {@link GemmMicroKernel12x1} for at most lanes output columns,
 * {@link GemmMicroKernel12x2} for at most 2*lanes, {@link GemmMicroKernel6x4} above), without ever
 * building the whole im2col matrix. Arguments are trusted (checked by {@link Conv2d}). With
 * {@code M = N*OH*OW} output pixels and {@code K = KH*KW*C} patch columns:
 * <ul>
 *   <li>forward: {@code out[M, OC] = patches[M, K] x filter[K, OC]}, the filter packed once per call
 *       into micro-kernel panels, bias and ReLU fused into the write-back. Work is split by output
 *       rows. When a filter row holds at least {@link #DIRECT_MIN_SEGMENT} floats ({@code KW*C}) the
 *       kernel reads the patches straight from the {@code KH} input rows of each output row (one call
 *       per filter row, or per window on the one-vector tile and on the stride-64 tiles from zero-padded
 *       rows; the input is never gathered): the input itself when no full tile's windows reach the left
 *       or right padding (MNIST conv2 on 6 x 4 tiles, below 512 bits), otherwise zero-padded copies of
 *       those rows, each made once per group of output rows. The last {@code OW mod ROWS} pixels of each
 *       row are gathered into shared tiles ({@link Remainder}) or computed by an overlapping last tile
 *       ({@link #overlapsLastTile}), except where pixels' patch rows lie 64 floats apart and rows are
 *       whole tiles of 14 pixels ({@link #forwardFixedStride}); for shorter filter rows (few channels)
 *       the patches of a chunk of output rows are gathered with a strided copy and the tiles run over
 *       the whole patch, or, with one input channel and horizontal stride 1 (MNIST conv1), read in place from
 *       zero-padded rows ({@link #forwardRowsInPlace}) by tiles of pixels of one output row, where a row
 *       holds a tile: 6 pixels with more than 2*lanes output channels, otherwise 12 or 14
 *       ({@link ConvTnMicroKernel14x2}), whichever covers a row with less overlap
 *       ({@link #inPlaceTileRows}).
 *       Direct reads are what XNNPACK's indirection buffer achieves; here a patch row's filter-row
 *       runs are evenly spaced in the padded rows, so a stride replaces the pointer table. Layers with
 *       few output channels, which would leave most of a tile's columns empty, go to
 *       {@link PixelLanesForward} instead: output pixels in the lanes, channels as the tile's rows; 3x3
 *       layers over one input channel with two vectors of output channels (MNIST conv1 at 512 bits) to
 *       {@link SingleChannel3x3Forward}, the filter held in registers.</li>
 *   <li>backwardInput: no col2im. The input pixels are split into the {@code sy*sx} stride parity
 *       classes, each a stride-1 correlation of outputGrad with a sub-filter, computed band by band
 *       from zero-padded copies of outputGrad rows ({@link SubPixelInputGradient}). Work is split by
 *       images. With stride 1, SAME padding and odd filters, a layer with one output channel or few input
 *       channels has its input gradient computed as the forward of the flipped filter instead
 *       ({@link #inputGradientAsForward}).</li>
 *   <li>backwardFilter: {@code filterGrad[K, OC] = patches^T[K, M] x outputGrad[M, OC]} a block of
 *       output rows at a time, read transposed by the tile's {@code ConvTn} kernel
 *       ({@link MicroKernelTile#runIndirect}):
 *       from patches gathered transposed when a filter row ({@code KW*C}) is shorter than
 *       {@link #DIRECT_MIN_SEGMENT}, otherwise in place from the block's zero-padded input rows through
 *       one window offset per pixel ({@link #padBlockRows}) when a filter row is a whole number of tiles,
 *       and from gathered patch rows ({@link PatchRows#gather}) when not; the reduction over M is cut into
 *       groups of whole blocks whose bounds depend only on the shape, each group sums into its own
 *       partial, and the partials are added in group order, so the result is bitwise identical for
 *       any thread count. Layers with few output channels go to {@link PixelLanesFilterGradient}
 *       instead: output pixels in the lanes, a tile of taps x channels in the registers; layers of 8 or
 *       16 output channels (at most a vector, a multiple of 8) whose patches are read as rows to
 *       {@link ChannelRowsFilterMicroKernel}: {@code filterGrad^T[OC, K]}, output channels as the tile's
 *       rows, the partials transposed back when they are added ({@link #filterGradInChannelRows}); 3x3
 *       layers over one input channel with two vectors of output channels to
 *       {@link SingleChannel3x3FilterGradient}, the sums held in registers.</li>
 * </ul>
 * A 1x1 stride-1 convolution has the input itself as its patch matrix, so forward and backwardInput
 * are plain {@link Gemm} calls then.
 *
 * <p>Workspace, per thread: one block of patch rows or padded input or output-gradient rows
 * ({@link #patchFloats}, about {@link #PATCH_BLOCK_FLOATS} floats for the filter-gradient blocks), one
 * packed operand (the filter, its sub-filters or a block of output-gradient rows, in an array padded for
 * {@link CacheLineAligned}), one tile, the few-channel paths' padded input rows (or the pixel-lane paths'
 * planar ones), the pixel-lane filter gradient's vectors of sums and a few index tables;
 * on the calling thread also the filter-gradient partials (at most {@link #MAX_FILTER_GROUPS} of
 * {@code K*OC + OC}, fewer for large filters); for a 1x1 stride-1 layer also {@link Gemm}'s scratch. All
 * of it depends on the layer, none of it on the batch: {@link #workspaceFloats} is the bound and the
 * buffers are sized by the same methods.
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
    static final int FILTER_PIECE_FLOATS = 6144;

    /** Full tiles a forward group of output rows aims at, so that each filter piece is reused. */
    private static final int TILES_PER_GROUP = 8;

    /** Output pixels per forward chunk, rounded up to whole output rows. */
    private static final int PIXELS_PER_CHUNK = 240;

    /** Most output pixels per block, so that small-K layers still give several parallel chunks. */
    private static final int MAX_BLOCK_ROWS = 480;

    /** Block heights are multiples of this, the least common multiple of the two tile heights. */
    private static final int ROW_ALIGN = 12;

    /**
     * Target size of the packed panel of output gradient that a filter-gradient block streams through
     * for every tile of K (32 KiB, the L1 data cache).
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

    /** Floats of one micro-kernel tile: 6 x 4 and 12 x 2 vectors are both 24 vectors (12 x 1 is half). */
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
        if (SingleChannel3x3Forward.fits(s)) {
            SingleChannel3x3Forward.forward(s, input, filter, bias, relu, output, isLarge(s));
            return;
        }
        if (PixelLanesForward.fits(s)) {
            PixelLanesForward.forward(s, input, filter, bias, relu, output, isLarge(s));
            return;
        }
        MicroKernelTile tile = MicroKernelTile.forColumns(oc);
        boolean fixedStride = forwardsOnFixedStride(s);
        // The tiles of 14 pixels read 2-vector panels (at most as many floats as the layer's tile's panels).
        int width = fixedStride ? Stride64MicroKernel14x2.COLUMNS : tile.columns;
        int panels = ceilDiv(oc, width);
        float[] packed = SCRATCH.get().packed(packedFloats(s));
        for (int panel = 0; panel < panels; panel++) {
            packColumns(filter, k, oc, panel, width, packed, PACKED_START);
        }
        if (fixedStride) {
            forwardFixedStride(s, input, bias, relu, output, forwardGroupRows(s, tile), packed);
        } else if (s.filterWidth() * s.inChannels() < DIRECT_MIN_SEGMENT) {
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
     * six pixels.) The last {@code OW mod ROWS} pixels of each output row go through {@link Remainder},
     * or on a last tile that starts early and overlaps its neighbour ({@link #overlapsLastTile}).
     *
     * <p>The one-vector tile ({@link GemmMicroKernel12x1}) instead runs each tile over its whole window in
     * one call ({@link GemmMicroKernel12x1#multiplySegments}), reading the packed filter once per tile, and
     * writes it once, with no buffer between calls: with at most one vector of output channels a tile's
     * round trip per filter row costs more than re-reading the filter from L2. AMD host, 512 bits, 1
     * thread, GFLOP/s, per filter row against whole windows: ResNet-20's 32x32x16 -> 16 55.0-56.9 against
     * 63.9-65.5, 28x28x16 -> 16 stride 2 61.1-61.8 against 69.2-69.4, 5x5 VALID over 8 channels 63.2-63.4
     * against 74.5-74.8, and with the filter past L1 (16 x 576 floats, 28x28x64 -> 16) 70.0-70.3 against
     * 73.0-74.3; at 256 bits, 32x32x16 -> 8 40.7-41.2 against 62.6. The same loop on the 12 x 2 tile ran
     * at half speed (35-50 against 70-90 GFLOP/s, C2 compiles its 24 accumulators' nested loop worse), so
     * the wider tiles stay per filter row. Layers whose pixels' patch rows lie 64 floats apart run on
     * tiles of 14 pixels instead ({@link #forwardFixedStride}): whole windows from zero-padded rows, one
     * filter row per pass reading the input in place.
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
        int tilesPerRow = forwardTilesPerRow(s, tile);
        // The pixels the tiles cover: whole tiles, or the whole row when the last tile overlaps.
        int fullWidth = Math.min(outWidth, tilesPerRow * tile.rows);
        int groupRows = forwardGroupRows(s, tile);
        int piece = depthPiece(tile);
        // The one-vector tile runs each window whole, all its filter rows in one call (see the Javadoc).
        boolean wholeWindows = tile == MicroKernelTile.TWELVE_BY_ONE;
        boolean inPlace = windowsInsideInputRows(s, fullWidth);
        int sourceRow = inPlace ? s.inWidth() * s.inChannels() : paddedRow;
        // Sized once per call: patchFloats builds the input gradient's band geometry for its bound.
        int patchLength = patchFloats(s);
        forChunks(isLarge(s), chunks, chunk -> {
            Scratch scratch = SCRATCH.get();
            float[] rows = inPlace ? input : scratch.patches(patchLength);
            float[] tiles = scratch.tiles(tilesFloats(s));
            int[] firstTaps = scratch.firstTaps(groupRows);
            int[] taps = scratch.taps(groupRows);
            int[] rowStarts = scratch.rowStarts(groupRows);
            Remainder remainder = new Remainder(s, input, tile, scratch, scratch.remainderPatches(remainderFloats(s)),
                    packed, bias, relu, output);
            int end = Math.min(outRows, (chunk + 1) * rowsPerChunk);
            for (int group = chunk * rowsPerChunk; group < end; group += groupRows) {
                int groupEnd = Math.min(end, group + groupRows);
                locateWindowRows(s, input, group, groupEnd, inPlace, rows, paddedRow, firstTaps, taps, rowStarts);
                if (wholeWindows) {
                    // One panel of whole tiles: straight to the output with bias and ReLU applied in
                    // registers when the tile is as wide as the layer (2.4% faster on ResNet-20's layer),
                    // otherwise through one scratch tile and the write-back. An overlapping last tile
                    // writes its first pixels again, with the same bits.
                    float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
                    for (int g = 0; g < groupEnd - group; g++) {
                        int bIndex = PACKED_START + firstTaps[g] * segmentLength * tile.columns;
                        int outRow = (group + g) * outWidth * oc;
                        for (int t = 0; t < tilesPerRow; t++) {
                            int first = Math.min(t * tile.rows, outWidth - tile.rows);
                            int aIndex = rowStarts[g] + first * pixelStep;
                            int out = outRow + first * oc;
                            if (oc == tile.columns) {
                                GemmMicroKernel12x1.multiplySegments(segmentLength, taps[g], sourceRow, rows, aIndex,
                                        pixelStep, packed, bIndex, bias, 0, floor, output, out, oc);
                            } else {
                                GemmMicroKernel12x1.multiplySegments(segmentLength, taps[g], sourceRow, rows, aIndex,
                                        pixelStep, packed, bIndex, null, 0, Float.NEGATIVE_INFINITY, scratch.tile, 0,
                                        tile.columns);
                                GemmWriteBack.apply(scratch.tile, 0, tile.columns, tile.rows, oc, output, out, oc, 1f,
                                        0f, bias, 0, relu);
                            }
                        }
                    }
                } else {
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
                                    for (int t = 0; t < tilesPerRow; t++, tileIndex += TILE_FLOATS) {
                                        int first = Math.min(t * tile.rows, outWidth - tile.rows);
                                        tile.multiply(kc, rows, aIndex + first * pixelStep, pixelStep, packed, bIndex,
                                                tiles, tileIndex, accumulate);
                                    }
                                }
                            }
                        }
                        for (int g = 0; g < groupEnd - group; g++) {
                            int out = (group + g) * outWidth * oc + column;
                            for (int t = 0; t < tilesPerRow; t++) {
                                // An overlapping last tile writes its first pixels again, with the same bits:
                                // their sums ran in the same order.
                                int first = Math.min(t * tile.rows, outWidth - tile.rows);
                                GemmWriteBack.apply(tiles, (g * tilesPerRow + t) * TILE_FLOATS, tile.columns,
                                        tile.rows, oc - column, output, out + first * oc, oc, 1f, 0f, bias, column,
                                        relu);
                            }
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
     * Whether the windows of the first {@code pixels} pixels of every output row lie inside the input row,
     * reaching into neither the left nor the right padding, so that the tiles computing them read the
     * input rows themselves: copying them into zero-padded rows cost a tenth of MNIST conv2's forward pass
     * on 6 x 4 tiles. (Its tiles of 14 pixels reach the right padding with their last window, which
     * {@link #forwardFixedStride} gives a copy of its own.)
     */
    private static boolean windowsInsideInputRows(Conv2dShape s, int pixels) {
        return s.padLeft() == 0 && (pixels - 1) * s.strideWidth() + s.filterWidth() <= s.inWidth();
    }

    /**
     * The floats of a filter row's segment ({@code KW*C}) that each output row's last window finds inside
     * the input row, when that window alone reaches into the padding: no left padding, and every other
     * window inside the row. MNIST conv2 is such a layer: stride 2 SAME on an even width pads one column
     * on the right, which only the last of its 14 windows reaches, with its last filter column. Otherwise
     * the whole segment. See {@link #forwardFixedStride}.
     */
    static int lastWindowInputFloats(Conv2dShape s) {
        int lastStart = (s.outWidth() - 1) * s.strideWidth();
        boolean onlyLastWindowPadded = s.padLeft() == 0 && s.outWidth() > 1
                && lastStart + s.filterWidth() > s.inWidth()
                && lastStart - s.strideWidth() + s.filterWidth() <= s.inWidth();
        return (onlyLastWindowPadded ? s.inWidth() - lastStart : s.filterWidth()) * s.inChannels();
    }

    /**
     * For output rows {@code [group, groupEnd)} of a direct forward: each window's first filter row and
     * number of filter rows that reach the input ({@code firstTaps}, {@code taps}), and where its first
     * such input row starts in {@code rows}: the input itself when {@code inPlace}, otherwise zero-padded
     * copies made here, each input row of the group once ({@link WindowRows}: at most {@code KH} rows of
     * {@code paddedRow} floats per output row, rows in the top or bottom padding as zeros that no tap
     * reads). Copying every window's rows anew instead copied MNIST conv2's input about 1.5 times and the
     * 56x56x64 layer's 3 times; sharing them made MNIST conv2's forward 1.024x and ResNet-20's 32x32x16
     * layer's 1.029x faster (Zen 5 host, JMH, 3 rounds).
     */
    private static void locateWindowRows(Conv2dShape s, float[] input, int group, int groupEnd, boolean inPlace,
                                         float[] rows, int paddedRow, int[] firstTaps, int[] taps, int[] rowStarts) {
        int outHeight = s.outHeight();
        int filterHeight = s.filterHeight();
        if (!inPlace) {
            WindowRows.store(s, group, groupEnd - group, s, input, rows, paddedRow, rowStarts, 1,
                    VectorConv2d::padInputRow);
        }
        for (int outRow = group; outRow < groupEnd; outRow++) {
            int g = outRow - group;
            int image = outRow / outHeight;
            int top = (outRow - image * outHeight) * s.strideHeight() - s.padTop();
            // Filter rows over the top or bottom padding add nothing: leave them out.
            firstTaps[g] = Math.max(0, -top);
            taps[g] = Math.max(0, Math.min(filterHeight, s.inHeight() - top) - firstTaps[g]);
            // Every window holds an input row: SAME pads fewer than KH rows above, and the last window
            // starts inside the input, so taps[g] >= 1.
            if (inPlace) {
                rowStarts[g] = (image * s.inHeight() + top + firstTaps[g]) * s.inWidth() * s.inChannels();
            } else {
                rowStarts[g] += firstTaps[g] * paddedRow;
            }
        }
    }

    /**
     * Whether the forward runs on {@link Stride64MicroKernel14x2} ({@link #forwardFixedStride}): a layer
     * that is not a 1x1 stride-1 product (those go to {@link Gemm}), whose adjacent output pixels' patch
     * rows lie {@code strideWidth * C = 64} floats apart (MNIST conv2, 32 channels at stride 2; the
     * 56x56x64 layer, 64 at stride 1), with output rows of whole 14-pixel tiles, output channels in whole
     * 2-vector panels, and filter rows long enough for the direct path. At 512 bits only:
     * at 256 and 128 bits it measured the same as the general tiles (MNIST conv2 89.0 against 89.6 and
     * 49.0 against 48.7 GFLOP/s), and its 28 accumulators would not fit AVX2's 16 registers.
     */
    static boolean forwardsOnFixedStride(Conv2dShape s) {
        return VectorSpeciesChoice.FLOAT.vectorBitSize() == 512 && !isPointwise(s)
                && s.strideWidth() * s.inChannels() == Stride64MicroKernel14x2.A_ROW_STRIDE
                && s.outChannels() % Stride64MicroKernel14x2.COLUMNS == 0
                && s.outWidth() % Stride64MicroKernel14x2.ROWS == 0
                && s.filterWidth() * s.inChannels() >= DIRECT_MIN_SEGMENT;
    }

    /**
     * {@link #forwardDirect} on {@link Stride64MicroKernel14x2}, whose rows of A lie a literal 64 floats
     * apart: each output row is whole tiles of 14 pixels, so nothing is left for {@link Remainder} (MNIST
     * conv2's 6 x 4 tiles left 2 of its 14 pixels, 17% of its time for 14% of its multiply-adds), and the
     * tiles write their sums into the output itself, which the write-back then finishes in place with the
     * bias and the ReLU. Each sum runs over the filter rows and their patch columns in the same order as on
     * the general tiles, so the bits are the same. The filter is packed in 2-vector panels. Storing the last
     * filter row's tile with its bias and ReLU applied in registers, as
     * {@link GemmMicroKernel12x1#multiplySegments} does, made the kernel 25% slower (69 against 91 GFLOP/s
     * on MNIST conv2: C2 compiled the larger method worse); on the Zen 5 host it measured within the noise,
     * with some JVMs slow in their first round (bench/HISTORY.md).
     *
     * <p>From zero-padded rows a tile runs all its window's filter rows in one call. Reading the input in
     * place, it runs one filter row per pass over the group's output rows, adding to the previous passes:
     * a group's first pass then reads every other input row, and MNIST conv2's forward, whose input at
     * batch 100 comes from L3 or memory, measured 0.78 with whole windows and 0.83-0.96 in three other
     * orders of whole windows or pairs of filter rows (JMH A/B, 3-4 rounds each, Zen 5 host), though whole
     * windows ran 5% faster with its input in cache (harness, batch 25). Probably the hardware prefetchers
     * fetch the odd rows while the even ones are computed; there are no counters here to show it.
     *
     * <p>AMD host, 512 bits, 1 thread, GFLOP/s (harness, best of eight rounds), general tiles against this
     * kernel: MNIST conv2 87.9-90.5 against 91.5-95.0, the 56x56x64 layer 100.0-101.1 against 104.5-105.2.
     *
     * <p>Where each output row's last window alone reaches into the padding ({@link #lastWindowInputFloats}:
     * MNIST conv2), the tiles read the input rows in place, and the last row of each row's last tile reads a
     * copy of its window's filter-row segment, zero past the input row. Each sum meets the same values in
     * the same order as from the zero-padded rows, so the bits are the same. The padded rows' copies had
     * cost MNIST conv2's forward 5-10% (a harness timing the tiles in place without them). JMH A/B against
     * the padded rows, 3 rounds each (Zen 5 host): the forward 1.043 on 1 thread, the training step 1.037
     * on 1 thread and 1.029 on 2; an earlier build, whose last row read its copy through a second copy of
     * the kernel, gave the forward 1.052 on 2 threads and inference 1.024 and 1.037.
     *
     * <p>{@code groupRows} must be the general path's ({@link #forwardGroupRows} of the layer's tile): the
     * zero-padded rows' scratch ({@link #patchFloats}) and the workspace bound are sized for it. Groups of
     * 1 to 8 output rows measured within 2% of each other here, before a group's windows shared their
     * padded rows ({@link #locateWindowRows}).
     */
    private static void forwardFixedStride(Conv2dShape s, float[] input, float[] bias, boolean relu, float[] output,
                                           int groupRows, float[] packed) {
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
        int tileRows = Stride64MicroKernel14x2.ROWS;
        int columns = Stride64MicroKernel14x2.COLUMNS;
        int lastWindowFloats = lastWindowInputFloats(s);
        boolean lastWindowApart = lastWindowFloats < segmentLength;
        boolean inPlace = lastWindowApart || windowsInsideInputRows(s, outWidth);
        int sourceRow = inPlace ? s.inWidth() * s.inChannels() : paddedRow;
        int patchLength = patchFloats(s);
        // In place, one filter row per pass over the group's output rows; from padded rows, all in one call.
        int passes = inPlace ? filterHeight : 1;
        forChunks(isLarge(s), chunks, chunk -> {
            Scratch scratch = SCRATCH.get();
            float[] rows = inPlace ? input : scratch.patches(patchLength);
            float[] lastWindow = lastWindowApart ? scratch.lastWindow(segmentLength) : null;
            if (lastWindowApart) {
                // The padding's zeros: the copies below write only the floats before them.
                Arrays.fill(lastWindow, lastWindowFloats, segmentLength, 0f);
            }
            int[] firstTaps = scratch.firstTaps(groupRows);
            int[] taps = scratch.taps(groupRows);
            int[] rowStarts = scratch.rowStarts(groupRows);
            int[] outputRows = scratch.fixedStrideRows;
            int end = Math.min(outRows, (chunk + 1) * rowsPerChunk);
            for (int group = chunk * rowsPerChunk; group < end; group += groupRows) {
                int groupEnd = Math.min(end, group + groupRows);
                locateWindowRows(s, input, group, groupEnd, inPlace, rows, paddedRow, firstTaps, taps, rowStarts);
                for (int column = 0; column < oc; column += columns) {
                    for (int pass = 0; pass < passes; pass++) {
                        for (int g = 0; g < groupEnd - group; g++) {
                            int firstTap = inPlace ? pass - firstTaps[g] : 0;
                            int tapCount = inPlace ? 1 : taps[g];
                            if (firstTap < 0 || firstTap + tapCount > taps[g]) {
                                continue;
                            }
                            int bIndex = PACKED_START + column * k
                                    + (firstTaps[g] + firstTap) * segmentLength * columns;
                            int out = (group + g) * outWidth * oc + column;
                            for (int first = 0; first < outWidth; first += tileRows) {
                                for (int r = 0; r < tileRows; r++) {
                                    outputRows[r] = out + (first + r) * oc;
                                }
                                int aIndex = rowStarts[g] + firstTap * sourceRow + first * pixelStep;
                                float[] lastRow = rows;
                                int lastRowIndex = aIndex + Stride64MicroKernel14x2.LAST_ROW;
                                if (lastWindowApart && first + tileRows == outWidth) {
                                    // In place, so one filter row per call: one segment to copy.
                                    System.arraycopy(rows, lastRowIndex, lastWindow, 0, lastWindowFloats);
                                    lastRow = lastWindow;
                                    lastRowIndex = 0;
                                }
                                Stride64MicroKernel14x2.multiplyTaps(segmentLength, tapCount, rows, aIndex, sourceRow,
                                        lastRow, lastRowIndex, sourceRow, packed, bIndex, output, outputRows,
                                        firstTap > 0);
                            }
                        }
                    }
                }
                // The group's output rows are contiguous: one write-back over them, in place.
                int out = group * outWidth * oc;
                GemmWriteBack.apply(output, out, oc, (groupEnd - group) * outWidth, oc, output, out, oc, 1f, 0f, bias,
                        0, relu);
            }
        });
    }

    /**
     * Forward for short filter rows ({@code KW*C < DIRECT_MIN_SEGMENT}): the patches of a chunk of output
     * rows are gathered into one block, stored transposed ({@link PatchRows#gatherOutputRowTransposed}:
     * one row per patch column, one column per pixel, so that for one input channel and horizontal
     * stride 1 the gather is a contiguous copy), and the tiles run over it with the full patch as depth,
     * crossing output rows, so there are neither ragged tiles nor per-filter-row tile round trips. With
     * one input channel and horizontal stride 1 the padded rows are already in that layout and are read
     * in place ({@link #forwardRowsInPlace}).
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
        // Sized once per call: patchFloats builds the input gradient's band geometry for its bound, and
        // paddedInputRowsFloats the pixel-lane paths' shapes and row layouts.
        int patchLength = patchFloats(s);
        int paddedLength = paddedInputRowsFloats(s);
        forChunks(isLarge(s), chunks, chunk -> {
            Scratch scratch = SCRATCH.get();
            float[] padded = scratch.paddedInputRows(paddedLength);
            float[] patchColumns = scratch.patches(patchLength);
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
                    } else if (column + tile.columns <= oc) {
                        // Which pixels end a chunk depends on the batch size: they get a full tile's arithmetic.
                        tile.runIndirectActivatedRows(k, patchColumns, r, columnStarts, packed,
                                PACKED_START + column * k, output, out + r * oc + column, oc, tileRows, bias, column,
                                relu, scratch.tile);
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
     * Output rows {@code [firstRow, endRow)} of a one-channel, horizontal-stride-1 forward, the tiles
     * reading their patches from the chunk's padded rows through one offset per filter tap
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
        Conv2dShape asForward = inputGradientAsForward(s);
        if (asForward != null) {
            float[] flipped = SCRATCH.get().flippedFilter(s.filterLength());
            flipFilter(s, filter, flipped);
            forward(asForward, outputGrad, flipped, null, false, inputGrad);
            return;
        }
        SubPixelInputGradient gradient = new SubPixelInputGradient(s, MicroKernelTile.forColumns(s.inChannels()));
        float[] packed = SCRATCH.get().packed(packedFloats(s));
        gradient.packFilter(filter, packed, PACKED_START);
        // Sized once per call: patchFloats builds the band geometry again for its bound.
        int paddedLength = patchFloats(s);
        int depthOffsetsLength = SubPixelInputGradient.depthOffsetsLength(s);
        forChunks(isLarge(s), s.batch(), image -> {
            Scratch scratch = SCRATCH.get();
            gradient.computeImage(image, outputGrad, scratch.patches(paddedLength), packed, PACKED_START, scratch.tile,
                    scratch.aRows, scratch.inputStarts, scratch.tapOffsets(depthOffsetsLength), scratch.fixedStrideRows,
                    inputGrad);
        });
    }

    /**
     * The input gradient as a forward convolution, or null. With stride 1, SAME padding and odd filter
     * sizes the windows are symmetric, and {@code inputGrad} is the SAME forward convolution of
     * {@code outputGrad} with the filter flipped and transposed ({@link #flipFilter}). Used where that
     * forward beats {@link SubPixelInputGradient}, which puts input channels in the lanes and runs over
     * a depth of {@code KH*KW*OC}:
     * <ul>
     *   <li>when it has few enough output channels (the layer's input channels) for
     *       {@link PixelLanesForward}: the tutorial's photo layer, one input channel, ran at 2% of the FMA
     *       peak on the sub-pixel kernel;</li>
     *   <li>for one output channel, a depth of only {@code KH*KW}: the forward has one input channel and
     *       reads its patches in place where a row holds a tile ({@link #forwardRowsInPlace}), gathers them
     *       where not. AMD host, 1 thread, GFLOP/s, the sub-pixel kernel against the forward, 3x3 unless
     *       said: 64x64x16 -> 1 20.4 against 44.3, 28x28x64 -> 1 22.9 against 52.8, 14x14x256 -> 1 43.3
     *       against 54.8, 8x8x16 -> 1 15.3 against 19.7, 32x32x32 -> 1 5x5 48.5 against 77.1. At two output
     *       channels neither led (32.4 against 30.2, 53.3 against 63.6, 45.6 against 46.2), at four the
     *       sub-pixel kernel did (46.3 against 31.7, 74.6 against 69.8).</li>
     * </ul>
     */
    static Conv2dShape inputGradientAsForward(Conv2dShape s) {
        if (isPointwise(s) || s.strideHeight() != 1 || s.strideWidth() != 1 || s.padding() != Padding.SAME
                || s.filterHeight() % 2 == 0 || s.filterWidth() % 2 == 0) {
            return null;
        }
        Conv2dShape forward = new Conv2dShape(s.batch(), s.outHeight(), s.outWidth(), s.outChannels(),
                s.filterHeight(), s.filterWidth(), s.inChannels(), 1, 1, Padding.SAME);
        return PixelLanesForward.fits(forward) || s.outChannels() == 1 ? forward : null;
    }

    /** {@code flipped[KH-1-kh][KW-1-kw][o][c] = filter[kh][kw][c][o]}: the input gradient's filter, HWIO. */
    private static void flipFilter(Conv2dShape s, float[] filter, float[] flipped) {
        int channels = s.inChannels();
        int oc = s.outChannels();
        for (int kh = 0; kh < s.filterHeight(); kh++) {
            for (int kw = 0; kw < s.filterWidth(); kw++) {
                int from = (kh * s.filterWidth() + kw) * channels * oc;
                int to = ((s.filterHeight() - 1 - kh) * s.filterWidth() + s.filterWidth() - 1 - kw) * oc * channels;
                for (int c = 0; c < channels; c++) {
                    for (int o = 0; o < oc; o++) {
                        flipped[to + o * channels + c] = filter[from + c * oc + o];
                    }
                }
            }
        }
    }

    /**
     * The filter (and bias) gradient, block of output pixels by block; with {@code reluOutput}, each block
     * of {@code outputGrad} is masked in place first, so the mask costs no pass of its own. Without
     * {@code storeMasked} the caller does not need the masked gradient, and a path that can mask in
     * registers leaves {@code outputGrad} as it was ({@link SingleChannel3x3FilterGradient}).
     */
    static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                               float[] biasGrad, float[] reluOutput, boolean storeMasked) {
        if (SingleChannel3x3FilterGradient.fits(s)) {
            SingleChannel3x3FilterGradient.backward(s, input, outputGrad, filterGrad, biasGrad, reluOutput, storeMasked,
                    isLarge(s));
            return;
        }
        if (PixelLanesFilterGradient.fits(s)) {
            PixelLanesFilterGradient.backward(s, input, outputGrad, filterGrad, biasGrad, reluOutput, isLarge(s));
            return;
        }
        int m = s.outputPixels();
        int k = s.patchLength();
        int oc = s.outChannels();
        MicroKernelTile tile = MicroKernelTile.forColumns(oc);
        int panels = panels(oc, tile);
        int blockRows = filterGradBlockRows(s);
        int blocks = ceilDiv(m, blockRows);
        int blocksPerGroup = blocksPerGroup(s, blocks);
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
        boolean transposed = gathersFilterGradTransposed(s);
        boolean direct = readsFilterGradPatchesInPlace(s, tile);
        // The partials are then [OC][K], the transposed filter gradient.
        boolean channelRows = filterGradInChannelRows(s);
        // Sized once per call: patchFloats builds the input gradient's band geometry for its bound.
        int patchLength = patchFloats(s);
        int paddedLength = paddedInputRowsFloats(s);
        int packedLength = packedFloats(s);
        forChunks(isLarge(s), groups, group -> {
            Scratch scratch = SCRATCH.get();
            float[] patches = scratch.patches(patchLength);
            float[] packedGrad = inPlace || channelRows ? null : scratch.packed(packedLength);
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
                if (transposed) {
                    float[] padded = scratch.paddedInputRows(paddedLength);
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
                if (channelRows) {
                    // Runs of contiguous patch values (a filter row in the padded rows, or a whole gathered
                    // patch row) in tiles of up to 3 vectors, none straddling two runs.
                    int run = direct ? segmentLength : k;
                    for (int q = 0; q < k; q += run) {
                        int aRun = direct ? q / segmentLength * paddedRow : q;
                        for (int j = 0; j < run; j += ChannelRowsFilterMicroKernel.COLUMNS) {
                            int vectors = Math.min(ChannelRowsFilterMicroKernel.COLUMNS, run - j) / SPECIES.length();
                            for (int o = 0; o < oc; o += ChannelRowsFilterMicroKernel.ROWS) {
                                ChannelRowsFilterMicroKernel.run(vectors, rows, patches, aRun + j, offsets, outputGrad,
                                        first * oc + o, oc, partials, partial + o * k + q + j, k, accumulate);
                            }
                        }
                    }
                } else {
                    float[] b = outputGrad;
                    int bStart = first * oc;
                    if (!inPlace) {
                        for (int panel = 0; panel < panels; panel++) {
                            packRows(outputGrad, first, rows, oc, panel, tile.columns, packedGrad, PACKED_START);
                        }
                        b = packedGrad;
                        bStart = PACKED_START;
                    }
                    // Panel by panel, so that one panel of the block's output gradient stays in L1 while every
                    // tile of K reads it (see filterGradBlockRows).
                    for (int panel = 0; panel < panels; panel++) {
                        int column = panel * tile.columns;
                        for (int r = 0; r < k; r += tile.rows) {
                            int tileRows = Math.min(tile.rows, k - r);
                            if (transposed) {
                                tile.multiplyWrittenBack(rows, patches, r * rows, rows, b, bStart + column * rows,
                                        partials, partial + r * oc + column, oc, tileRows, oc - column, accumulate,
                                        null, 0, false, scratch.tile);
                            } else if (direct) {
                                int aIndex = r / segmentLength * paddedRow + r % segmentLength;
                                tile.runIndirect(rows, patches, aIndex, offsets, b, bStart + column * rows, partials,
                                        partial + r * oc + column, oc, oc - column, accumulate, scratch.tile);
                            } else {
                                tile.runIndirectWrittenBack(rows, patches, r, offsets, b, bStart + column * rows,
                                        partials, partial + r * oc + column, oc, tileRows, oc - column, accumulate,
                                        null, 0, false, scratch.tile);
                            }
                        }
                    }
                }
                if (biasGrad != null) {
                    sumRows(outputGrad, first, rows, oc, partials, partial + filterLength, !accumulate);
                }
            }
        });
        if (channelRows) {
            combineTransposed(partials, groups, partialLength, filterGrad, k, oc);
        } else {
            combine(partials, groups, partialLength, 0, filterGrad, filterLength);
        }
        if (biasGrad != null) {
            combine(partials, groups, partialLength, filterLength, biasGrad, oc);
        }
    }

    /**
     * Copies the input rows the windows of output rows {@code [firstOutRow, firstOutRow + outRows)} (over
     * {@code N*OH}) cover into {@code padded}, zero-padded as {@link PatchRows#padInputRows} does, each once
     * ({@link WindowRows}), so filter row kh of a window lies {@code kh * paddedRow} floats after its first.
     * Sets {@code offsets[g*OW + ox]} to where the window of pixel ox of output row g starts.
     * (Gathering whole patch rows instead wrote {@code KH*KW*C} floats per pixel, beyond L1, and cost
     * a fifth of conv2's filter gradient.)
     */
    static void padBlockRows(Conv2dShape s, float[] input, int firstOutRow, int outRows, int paddedRow,
                             float[] padded, int[] offsets) {
        int outWidth = s.outWidth();
        int pixelStep = s.strideWidth() * s.inChannels();
        WindowRows.store(s, firstOutRow, outRows, s, input, padded, paddedRow, offsets, outWidth,
                VectorConv2d::padInputRow);
        for (int g = 0; g < outRows; g++) {
            int start = offsets[g * outWidth];
            for (int ox = 0; ox < outWidth; ox++) {
                offsets[g * outWidth + ox] = start + ox * pixelStep;
            }
        }
    }

    /**
     * {@link WindowRows.Store} of zero-padded input rows ({@link PatchRows#padInputRows}), zeros in the top or
     * bottom padding.
     */
    private static float padInputRow(Conv2dShape s, float[] input, float[] padded, int paddedRow, int image,
                                     int inputRow, int index) {
        if (inputRow < 0 || inputRow >= s.inHeight()) {
            Arrays.fill(padded, index, index + paddedRow, 0f);
        } else {
            PatchRows.padInputRows(s, input, image, inputRow, 1, paddedRow, padded, index);
        }
        return 0f;
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
     * A bound on the floats of scratch the three methods together leave any one thread holding for
     * {@code s} (the buffers are kept for the next call): every buffer of this class at the largest size
     * any method asks of it, the calling thread's filter-gradient partials included, and for a 1x1 stride-1
     * layer also {@link VectorGemm}'s for the forward and backwardInput products. An input gradient run as a
     * forward ({@link #inputGradientAsForward}) asks the same buffers at that forward's sizes: the bound adds
     * both sets (which over-counts, by up to twice for a one-output-channel layer, but needs no per-buffer
     * bookkeeping). Independent of the batch.
     */
    static long workspaceFloats(Conv2dShape s) {
        long own = buffersFloats(s);
        Conv2dShape asForward = inputGradientAsForward(s);
        if (asForward != null) {
            // The input gradient then runs as asForward's forward, which asks this class's buffers at
            // asForward's sizes, and needs the flipped filter.
            own += buffersFloats(asForward) + s.filterLength();
        }
        if (!isPointwise(s)) {
            return own;
        }
        return own + VectorGemm.workspaceFloats(s.outChannels(), s.inChannels())
                + VectorGemm.workspaceFloats(s.inChannels(), s.outChannels());
    }

    /** Every buffer of this class at the largest size its calls for {@code s} ask, the input gradient as a forward aside. */
    private static long buffersFloats(Conv2dShape s) {
        PixelLanesScratch pixelLanes = PixelLanesScratch.of(s);
        return (long) CacheLineAligned.lengthFor(packedFloats(s)) + patchFloats(s) + paddedInputRowsFloats(s)
                + partialFloats(s) + SCRATCH_TILE_FLOATS + remainderFloats(s) + tilesFloats(s)
                + pixelLanes.laneSums()
                + 3L * forwardGroupRows(s, MicroKernelTile.forColumns(s.outChannels()))
                + Math.max(Math.max(filterGradBlockRows(s), (long) forwardRowsPerChunk(s) * s.outWidth()),
                        pixelLanes.rowStarts())
                + Math.max(Math.max(s.patchLength(), SubPixelInputGradient.depthOffsetsLength(s)), pixelLanes.taps())
                + 3L * ROW_ALIGN + Stride64MicroKernel14x2.ROWS + (long) s.filterWidth() * s.inChannels();
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
     * Output pixels per backwardFilter block: whole output rows (at least one), as many as keep one packed
     * panel of the block's output gradient in L1 across the K tiles, and the block's patches within a patch
     * block: its padded input rows when it reads the patches in place, else its gathered patch rows.
     * Each tile reloads its accumulators once a block, so deeper blocks waste less: a 14x14x512 layer,
     * held to one output row by the whole gradient's width and by gathered rows of 4608 floats,
     * reloaded every 14 pixels (46% of peak on the AMD host).
     */
    static int filterGradBlockRows(Conv2dShape s) {
        MicroKernelTile tile = MicroKernelTile.forColumns(s.outChannels());
        // Counting the real channels, not a narrow layer's zero-padded panel: measured, deeper blocks beat
        // blocks whose padded panel fits L1 (40 channels: 3%, 1 channel: 6%).
        int rows = FILTER_GRAD_BLOCK_FLOATS / Math.min(s.outChannels(), tile.columns);
        if (readsFilterGradPatchesInPlace(s, tile)) {
            long paddedRowsPerOutputRow = (long) s.filterHeight() * paddedRowFloats(s);
            rows = (int) Math.min(rows, PATCH_BLOCK_FLOATS / paddedRowsPerOutputRow * s.outWidth());
        } else {
            rows = Math.min(rows, blockRows(s.patchLength()));
        }
        return Math.max(1, rows / s.outWidth()) * s.outWidth();
    }

    /**
     * Whether backwardFilter runs on {@link ChannelRowsFilterMicroKernel}, output channels as the tile's
     * rows: at most one vector of output channels (the 12 x 1 tile's layers), in whole tiles of 8, and
     * patches as rows, read in place from filter rows or gathered whole, whose runs of contiguous
     * values are whole vectors.
     */
    static boolean filterGradInChannelRows(Conv2dShape s) {
        int oc = s.outChannels();
        if (gathersFilterGradTransposed(s) || oc > SPECIES.length() || oc % ChannelRowsFilterMicroKernel.ROWS != 0) {
            return false;
        }
        int run = readsFilterGradPatchesInPlace(s, MicroKernelTile.forColumns(oc))
                ? s.filterWidth() * s.inChannels() : s.patchLength();
        return run % SPECIES.length() == 0;
    }

    /** Few channels: backwardFilter gathers the patches transposed (a fast strided copy) and reads them as rows. */
    private static boolean gathersFilterGradTransposed(Conv2dShape s) {
        return s.filterWidth() * s.inChannels() < DIRECT_MIN_SEGMENT;
    }

    /** Tiles of K that never straddle two filter rows: backwardFilter reads the patches in place from padded input rows. */
    private static boolean readsFilterGradPatchesInPlace(Conv2dShape s, MicroKernelTile tile) {
        return !gathersFilterGradTransposed(s) && s.filterWidth() * s.inChannels() % tile.rows == 0;
    }

    /**
     * Blocks per filter-gradient group, for {@code blocks} blocks: at most {@link #maxFilterGroups} groups of
     * whole blocks, their bounds fixed by the shape alone, so that the partials add up the same whatever the
     * thread count.
     */
    static int blocksPerGroup(Conv2dShape s, int blocks) {
        return ceilDiv(blocks, Math.min(blocks, maxFilterGroups(s)));
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
        return Checks.product("convolution packed operand", Math.max(Math.max(forward, PixelLanesScratch.of(s).packed()),
                Math.max(backwardInput, backwardFilter)));
    }

    /**
     * The larger of: the patch rows of a backward block plus one tile height of slack read by the ragged
     * last K tile, and forward's padded input rows plus the slack a ragged tile of pixels reads.
     */
    private static int patchFloats(Conv2dShape s) {
        int filterGradRows = filterGradBlockRows(s);
        boolean transposed = gathersFilterGradTransposed(s);
        boolean direct = readsFilterGradPatchesInPlace(s, MicroKernelTile.forColumns(s.outChannels()));
        long backward = transposed || direct ? 0
                : (long) Math.max(blockRows(s.patchLength()), filterGradRows) * s.patchLength() + ROW_ALIGN;
        // The transposed filter-gradient block: a ragged last tile reads up to ROW_ALIGN rows past K.
        long backwardTransposed = transposed ? (long) (s.patchLength() + ROW_ALIGN) * filterGradRows : 0;
        long forward = (long) forwardGroupRows(s, MicroKernelTile.forColumns(s.outChannels())) * s.filterHeight()
                * paddedRowFloats(s) + (long) ROW_ALIGN * s.strideWidth() * s.inChannels();
        long forwardGathered = (long) forwardRowsPerChunk(s) * s.outWidth() * s.patchLength() + ROW_ALIGN;
        // backwardFilter's padded input rows: at most KH new rows per output row of a block.
        long backwardFilter = (long) filterGradRows / s.outWidth() * s.filterHeight() * paddedRowFloats(s);
        long backwardInput = new SubPixelInputGradient(s, MicroKernelTile.forColumns(s.inChannels())).paddedFloats();
        backwardFilter = Math.max(backwardFilter, PixelLanesScratch.of(s).gradient());
        return Checks.product("convolution patch block", Math.max(Math.max(backwardInput, backwardFilter),
                Math.max(Math.max(backward, backwardTransposed), Math.max(forward, forwardGathered))));
    }

    /** Floats of one zero-padded input row as forward reads it: every window of an output row, nothing more. */
    static int paddedRowFloats(Conv2dShape s) {
        return Checks.product("padded input row", (long) (s.outWidth() - 1) * s.strideWidth() + s.filterWidth(),
                s.inChannels());
    }

    /** A full tile of gathered patch rows for forward's remainder pixels. */
    private static int remainderFloats(Conv2dShape s) {
        return Checks.product("convolution remainder tile", ROW_ALIGN, s.patchLength());
    }

    /**
     * The padded input rows of the few-channel paths ({@link #forwardGathered}, the transposed filter
     * gradient, {@link SingleChannel3x3Forward} and {@link SingleChannel3x3FilterGradient}): at most KH per
     * output row of a chunk or block ({@link #padBlockRows}); or {@link PixelLanesForward}'s planar rows,
     * whichever is more.
     */
    static int paddedInputRowsFloats(Conv2dShape s) {
        int outRows = Math.max(forwardRowsPerChunk(s), filterGradBlockRows(s) / s.outWidth());
        int padded = Checks.product("convolution padded rows", outRows, s.filterHeight(), paddedRowFloats(s));
        return (int) Math.max(padded, PixelLanesScratch.of(s).planar());
    }

    /**
     * What the pixel-lane paths that run for a shape ask of this class's per-thread buffers: for each
     * buffer, the most that its forward ({@link PixelLanesForward}) and its filter gradient
     * ({@link PixelLanesFilterGradient}) ask; 0 where neither runs. (An input gradient run as a forward,
     * {@link #inputGradientAsForward}, is sized as that forward's own shape.) Floats, except
     * {@code rowStarts} and {@code taps} (ints).
     */
    private record PixelLanesScratch(long packed, long planar, long gradient, long laneSums, long rowStarts,
                                     long taps) {

        static PixelLanesScratch of(Conv2dShape s) {
            boolean forward = PixelLanesForward.fits(s);
            boolean filterGrad = PixelLanesFilterGradient.fits(s);
            return new PixelLanesScratch(
                    forward ? PixelLanesForward.packedFloats(s) : 0,
                    Math.max(forward ? PixelLanesForward.planarFloats(s) : 0,
                            filterGrad ? PixelLanesFilterGradient.planarFloats(s) : 0),
                    filterGrad ? PixelLanesFilterGradient.gradientFloats(s) : 0,
                    filterGrad ? PixelLanesFilterGradient.laneSumsFloats(s) : 0,
                    Math.max(forward ? PixelLanesForward.rowsPerChunk(s) : 0,
                            filterGrad ? PixelLanesFilterGradient.rowsPerBlock(s) : 0),
                    Math.max(forward ? PixelLanesForward.tapTableLength(s) : 0,
                            filterGrad ? PixelLanesFilterGradient.tapTableLength(s) : 0));
        }
    }

    /** Output rows per parallel chunk of a forward pass: about {@link #PIXELS_PER_CHUNK} pixels. */
    static int forwardRowsPerChunk(Conv2dShape s) {
        return ceilDiv(PIXELS_PER_CHUNK, s.outWidth());
    }

    /** Output rows forwardDirect computes together: enough for {@link #TILES_PER_GROUP} full tiles. */
    private static int forwardGroupRows(Conv2dShape s, MicroKernelTile tile) {
        int tilesPerRow = Math.max(1, forwardTilesPerRow(s, tile));
        return Math.min(forwardRowsPerChunk(s), ceilDiv(TILES_PER_GROUP, tilesPerRow));
    }

    /** Full tiles per output row of forwardDirect, an overlapping last one ({@link #overlapsLastTile}) included. */
    private static int forwardTilesPerRow(Conv2dShape s, MicroKernelTile tile) {
        return overlapsLastTile(s, tile) ? ceilDiv(s.outWidth(), tile.rows) : s.outWidth() / tile.rows;
    }

    /**
     * Whether forwardDirect computes each output row's last {@code OW mod ROWS} pixels on a full tile that
     * starts early and overlaps its neighbour, instead of in {@link Remainder}'s gathered tiles: on the
     * one-vector tile, when those pixels are at least two thirds of a tile, so that at most half as many
     * again are computed twice. With one vector of output channels the remainder's patch gather and
     * row-by-row write-back cost about as much as its multiply-adds: ResNet-20's 32x32x16 -> 16 forward
     * gave a quarter of its pixels (8 of each 32-pixel row) 45% of its time (async-profiler), 2.5 times
     * the full tiles' time per pixel. AMD host, 1 thread, GFLOP/s, remainder against overlap: that layer
     * 55.3 against 55.6-59.1 (JMH, 1.08x over 4 rounds), 23-pixel rows (11 left) 57.8-59.3 against
     * 69.5-70.5, 56-pixel rows (8) 56.4-64.6 against 65.5-66.3, 20-pixel rows (8) over 40 channels
     * 46.9-47.3 against 46.5-46.6, but 18-pixel rows (6) 48.2-48.3 against 42.1. MNIST conv2's 2 of 14
     * pixels cost its 6 x 4 tiles no more per pixel than the full tiles.
     */
    static boolean overlapsLastTile(Conv2dShape s, MicroKernelTile tile) {
        int rest = s.outWidth() % tile.rows;
        return tile == MicroKernelTile.TWELVE_BY_ONE && s.outWidth() > tile.rows && 3 * rest >= 2 * tile.rows;
    }

    /** Patch columns per forward piece: the piece of the packed filter stays within {@link #FILTER_PIECE_FLOATS}. */
    private static int depthPiece(MicroKernelTile tile) {
        return Math.max(1, FILTER_PIECE_FLOATS / tile.columns);
    }

    /** The waiting tiles of one forwardDirect group; none on the one-vector tile, which runs whole windows. */
    private static int tilesFloats(Conv2dShape s) {
        MicroKernelTile tile = MicroKernelTile.forColumns(s.outChannels());
        if (tile == MicroKernelTile.TWELVE_BY_ONE) {
            return 0;
        }
        return Checks.product("convolution forward tiles", forwardGroupRows(s, tile),
                Math.max(1, forwardTilesPerRow(s, tile)), TILE_FLOATS);
    }

    static int partialFloats(Conv2dShape s) {
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
            Arrays.fill(packed, out + valid, out + width, 0f);
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
            Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /**
     * {@code sums[j] (=|+=) sum of rows [first, first+rows) of matrix[*, cols]}, rows added in order. Each
     * column vector sums down the rows in a register: adding row by row into {@code sums} itself chained
     * every add through a store and a reload (MNIST conv1's filter gradient ran 24% slower that way).
     * Four (or two) column vectors go down the rows together, so that independent chains of adds hide the
     * add latency that one chain at a time waited on. Not {@link VectorColumnSums}, which starts every
     * column at 0: a group's bias-gradient partial goes on with the same running sum block after block,
     * and summing each block from 0 and then adding it would round differently.
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
    static void combine(float[] partials, int groups, int stride, int offset, float[] result, int length) {
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

    /**
     * {@link #combine} for filter-gradient partials in {@code [OC][K]} order ({@link ChannelRowsFilterMicroKernel}'s)
     * into {@code filterGrad}'s {@code [K][OC]}: the groups added in the same order, so the same bits.
     */
    private static void combineTransposed(float[] partials, int groups, int stride, float[] filterGrad, int k,
                                          int oc) {
        for (int o = 0; o < oc; o++) {
            for (int q = 0; q < k; q++) {
                float sum = partials[o * k + q];
                for (int g = 1; g < groups; g++) {
                    sum += partials[g * stride + o * k + q];
                }
                filterGrad[q * oc + o] = sum;
            }
        }
    }

    /** Runs {@code body} for chunks {@code [0, chunks)}, on the kernel threads when {@code parallel}. */
    static void forChunks(boolean parallel, int chunks, IntConsumer body) {
        if (parallel) {
            KernelThreads.parallelFor(chunks, body);
        } else {
            for (int chunk = 0; chunk < chunks; chunk++) {
                body.accept(chunk);
            }
        }
    }

    /**
     * The calling thread's scratch, shared with {@link PixelLanesForward}, {@link PixelLanesFilterGradient},
     * {@link SingleChannel3x3Forward} and {@link SingleChannel3x3FilterGradient}.
     */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** Grow-only per-thread buffers, so steady-state calls allocate nothing. */
    static final class Scratch {
        private float[] packed = new float[0];
        /** Gathered or padded patch rows, or a pixel-lane filter-gradient block's transposed output gradient. */
        private float[] patches = new float[0];
        /** The few-channel paths' zero-padded input rows ({@link #padBlockRows}), or {@link PlanarRows}. */
        private float[] paddedInputRows = new float[0];
        private float[] partials = new float[0];
        /** {@link PixelLanesFilterGradient}'s vectors of sums, one per tap and channel slot. */
        private float[] laneSums = new float[0];
        /** The flipped, transposed filter of an input gradient run as a forward ({@link #inputGradientAsForward}). */
        private float[] flippedFilter = new float[0];
        /** One micro-kernel tile: 24 vectors for 6 x 4 and 12 x 2 (12 for 12 x 1), 28 for {@link ConvTnMicroKernel14x2}. */
        final float[] tile = new float[SCRATCH_TILE_FLOATS];
        /** Output pixels of the forward remainder tile and their gathered patches. */
        final int[] remainderPixels = new int[ROW_ALIGN];
        /**
         * Where each row of a backwardInput tile reads the padded outputGrad, and where its pixel starts in the
         * input gradient; or where each channel slot of a pixel-lane filter-gradient tile reads its gradient.
         */
        final int[] aRows = new int[ROW_ALIGN];
        final int[] inputStarts = new int[ROW_ALIGN];
        /** Where each row of a {@link Stride64MicroKernel14x2} tile starts in the input gradient or the output. */
        final int[] fixedStrideRows = new int[Stride64MicroKernel14x2.ROWS];
        /** The filter-row segment of the last window of a {@link #forwardFixedStride} output row, zero-padded. */
        private float[] lastWindow = new float[0];
        private float[] remainderPatches = new float[0];
        /**
         * forwardDirect's waiting tiles and, per output row of a direct forward's group (forwardDirect,
         * forwardFixedStride), the first and number of filter rows and where its first filter row starts.
         */
        private float[] tiles = new float[0];
        private int[] firstTaps = new int[0];
        private int[] rowStarts = new int[0];
        private int[] taps = new int[0];
        /**
         * Window starts in the padded rows, one per output pixel: a backwardFilter block or a forward chunk
         * ({@link #forwardGathered}, {@link SingleChannel3x3Forward}); or one per output row of a pixel-lane
         * chunk or block, where its first planar row starts.
         */
        private int[] offsets = new int[0];
        /**
         * Where the indirect kernels read each patch column: from a window's start in the padded rows
         * (forwardRowsInPlace), from the start of forwardGathered's transposed patch block, column p
         * at {@code p * pixels}, or from an output row's first planar row ({@link PlanarRows#tapOffsets});
         * or, in the input gradient, each depth step's offset from a pixel's padded output-gradient row
         * ({@link SubPixelInputGradient#depthOffsetsLength}).
         */
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

        float[] lastWindow(int length) {
            if (lastWindow.length < length) {
                lastWindow = new float[length];
            }
            return lastWindow;
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

        float[] flippedFilter(int length) {
            if (flippedFilter.length < length) {
                flippedFilter = new float[length];
            }
            return flippedFilter;
        }

        float[] laneSums(int length) {
            if (laneSums.length < length) {
                laneSums = new float[length];
            }
            return laneSums;
        }

        float[] partials(int length) {
            if (partials.length < length) {
                partials = new float[length];
            }
            return partials;
        }

        long floats() {
            return (long) packed.length + patches.length + paddedInputRows.length + partials.length + laneSums.length
                    + flippedFilter.length
                    + tile.length
                    + remainderPatches.length + tiles.length + firstTaps.length + taps.length + rowStarts.length
                    + offsets.length + tapOffsets.length + remainderPixels.length + aRows.length + inputStarts.length
                    + fixedStrideRows.length + lastWindow.length;
        }
    }
}
