package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Forward for layers with few output channels, such as the tutorial's two line filters on a photo or a
 * one-channel output layer: the transposed product {@code out^T[OC, M] = filter^T[OC, K] x patches^T[K, M]},
 * with the output channels as the micro-kernel's rows and output pixels in its vector lanes. The other
 * forward paths put output channels in the lanes, where two channels fill 2 of a 12x2 tile's 32 columns
 * (3-6% of the FMA peak measured on such layers); here they fill 2 of a 6x4 tile's 6 rows, and 7 to 12
 * channels a 12x2 tile's rows. {@link #fits} says when this path is the faster.
 *
 * <p>Work is split into chunks of whole output rows. A chunk first copies the input rows its windows
 * cover, once each, zero-padded and <em>planar</em> ({@link PlanarRows}): channel by channel, and within a
 * channel the columns of each horizontal stride phase together, so that one filter tap's values for
 * adjacent output pixels are adjacent floats. Then:
 * <ul>
 *   <li>on rows of at least {@code tile.columns} pixels, each tile takes that many pixels of one output
 *       row and the micro-kernel reads its B rows, one per filter tap, in place from the planar rows
 *       through a table of tap offsets ({@link MicroKernelTile#multiplyIndirectB}); a row's last tile
 *       starts early and overlaps its neighbour, as in {@code VectorConv2d.forwardRowsInPlace};</li>
 *   <li>on narrower rows a tile's pixels run on across output rows, and a depth piece of their patches
 *       at a time is packed transposed (vector copies from the planar rows) into a cache-line aligned
 *       panel that the plain micro-kernel reads.</li>
 * </ul>
 * The tile's channel rows are written to the NHWC output transposed, with the bias and the ReLU. Each
 * pixel's sum runs over the patch in order, so results do not depend on the thread count.
 */
final class PixelLanesForward {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Output pixels a chunk aims at (see {@link PlanarRows#outputRowsFor}). */
    private static final int CHUNK_PIXELS = 2048;

    /** Most packed patch floats one depth piece holds (24 KiB, half of L1), as for the other forwards. */
    private static final int PIECE_FLOATS = 6144;

    /** Floats per cache line: the packed patches start on one ({@link CacheLineAligned}). */
    private static final int LINE_FLOATS = 16;

    private PixelLanesForward() {
    }

    /**
     * Whether this path is the faster: the output channels must fill the tile's rows at least twice as
     * well as they fill the other paths' columns, and four times as well when output rows are narrower
     * than a tile, whose patches must then be packed. At 512 bits that is up to 6 channels, and up to 12
     * on rows of at least 32 pixels; at 256 bits up to 6 channels on rows of at least 32 pixels; never
     * at 128 bits, whose 8-column tiles already fit. Measured on the AMD host, 1 thread: 10 channels
     * on 14-pixel rows (3x3, 32 input channels) ran 28.4 GFLOP/s packed against 31.1 on the usual path;
     * one channel on 62-pixel rows 9.8 against 2.7.
     */
    static boolean fits(Conv2dShape s) {
        int oc = s.outChannels();
        if (oc > GemmMicroKernel12x2.ROWS) {
            return false;
        }
        MicroKernelTile tile = tile(s);
        MicroKernelTile columnsTile = MicroKernelTile.forColumns(oc);
        int paddedColumns = ceilDiv(oc, columnsTile.columns) * columnsTile.columns;
        return paddedColumns >= (readsRowsInPlace(s, tile) ? 2 : 4) * tile.rows;
    }

    /**
     * {@code output = act(conv(input, filter) + bias)}. The filter is packed transposed into the calling
     * thread's packed operand; each chunk's patches go into its own thread's, after that.
     */
    static void forward(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu, float[] output,
                        boolean parallel) {
        MicroKernelTile tile = tile(s);
        int k = s.patchLength();
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int outRows = s.batch() * s.outHeight();
        int rowsPerChunk = rowsPerChunk(s);
        int start = CacheLineAligned.FIRST;
        int patchesStart = start + filterFloats(s);
        int packedLength = packedFloats(s);
        float[] filterT = VectorConv2d.scratch().packed(packedLength);
        for (int r = 0; r < tile.rows; r++) {
            // Rows past the last channel are computed and never written; zeros keep them finite.
            for (int p = 0; p < k; p++) {
                filterT[start + r * k + p] = r < oc ? filter[p * oc + r] : 0f;
            }
        }
        int piece = depthPiece(tile);
        boolean inRows = readsRowsInPlace(s, tile);
        PlanarRows planar = new PlanarRows(s, 0);
        VectorConv2d.forChunks(parallel, ceilDiv(outRows, rowsPerChunk), chunk -> {
            VectorConv2d.Scratch scratch = VectorConv2d.scratch();
            float[] rows = scratch.paddedInputRows(planarFloats(s));
            int[] rowStarts = scratch.offsets(rowsPerChunk);
            int[] taps = scratch.tapOffsets(k);
            planar.tapOffsets(taps);
            int firstRow = chunk * rowsPerChunk;
            int endRow = Math.min(outRows, firstRow + rowsPerChunk);
            planar.copy(input, firstRow, endRow - firstRow, rows, rowStarts);
            if (inRows) {
                for (int g = 0; g < endRow - firstRow; g++) {
                    int rowOutput = (firstRow + g) * outWidth * oc;
                    for (int x = 0; x < outWidth; x += tile.columns) {
                        // A row's last panel starts early, over pixels its neighbour wrote; only its new ones are written.
                        int first = Math.min(x, outWidth - tile.columns);
                        tile.multiplyIndirectB(k, filterT, start, k, rows, rowStarts[g] + first, taps, scratch.tile, 0,
                                false);
                        writeTransposed(scratch.tile, x - first, tile.columns, outWidth - x, oc, bias, relu, output,
                                rowOutput + x * oc);
                    }
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
                writeTransposed(scratch.tile, 0, tile.columns, count, oc, bias, relu, output,
                        (firstRow * outWidth + first) * oc);
            }
        });
    }

    /**
     * Whether each tile takes {@code tile.columns} pixels of one output row, its B rows read in place from
     * the planar rows: when a row holds a tile. Narrower rows are packed, a tile's pixels running on
     * across output rows, since a tile per row would leave most of its lanes empty.
     */
    private static boolean readsRowsInPlace(Conv2dShape s, MicroKernelTile tile) {
        return s.outWidth() >= tile.columns;
    }

    /** Floats of the packed operand: the transposed filter, then one depth piece of packed patches. */
    static int packedFloats(Conv2dShape s) {
        MicroKernelTile tile = tile(s);
        return Checks.product("convolution packed operand", (long) filterFloats(s) + (long) depthPiece(tile)
                * tile.columns);
    }

    /** Floats of a chunk's planar input rows. */
    static int planarFloats(Conv2dShape s) {
        return new PlanarRows(s, 0).floats(rowsPerChunk(s));
    }

    /** Output rows per chunk, each with one row start in the offsets table. */
    static int rowsPerChunk(Conv2dShape s) {
        return new PlanarRows(s, 0).outputRowsFor(CHUNK_PIXELS);
    }

    private static MicroKernelTile tile(Conv2dShape s) {
        return s.outChannels() <= GemmMicroKernel6x4.ROWS ? MicroKernelTile.SIX_BY_FOUR
                : MicroKernelTile.TWELVE_BY_TWO;
    }

    /** The transposed filter, {@code tile.rows} rows of K, rounded up to a cache line. */
    private static int filterFloats(Conv2dShape s) {
        long lines = ((long) tile(s).rows * s.patchLength() + LINE_FLOATS - 1) / LINE_FLOATS;
        return Checks.product("convolution transposed filter", lines, LINE_FLOATS);
    }

    private static int depthPiece(MicroKernelTile tile) {
        return Math.max(1, PIECE_FLOATS / tile.columns);
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
                PlanarRows.copyContiguous(rows, source + taps[depth + p], patches, destination + p * columns,
                        length);
            }
            pixel += length;
        }
    }

    /**
     * {@code output[(j - from) * oc + o] = act(tile[o * columns + j] + bias[o])} for the tile's pixels
     * {@code j} in {@code [from, min(columns, from + count))}: the tile's channel rows become the NHWC
     * output's columns. One channel is a contiguous row, written with vectors.
     */
    private static void writeTransposed(float[] tile, int from, int columns, int count, int oc, float[] bias,
                                        boolean relu, float[] output, int outputIndex) {
        int end = Math.min(columns, from + count);
        if (oc == 1) {
            float add = bias == null ? 0f : bias[0];
            int lanes = SPECIES.length();
            for (int j = from; j < end; j += lanes) {
                VectorMask<Float> mask = SPECIES.indexInRange(j, end);
                FloatVector v = FloatVector.fromArray(SPECIES, tile, j, mask).add(add);
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(output, outputIndex + j - from, mask);
            }
            return;
        }
        for (int o = 0; o < oc; o++) {
            float add = bias == null ? 0f : bias[o];
            for (int j = from, t = o * columns + from, out = outputIndex + o; j < end; j++, t++, out += oc) {
                float v = tile[t] + add;
                output[out] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
