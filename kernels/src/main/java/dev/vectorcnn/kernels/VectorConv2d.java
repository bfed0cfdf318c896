package dev.vectorcnn.kernels;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API convolution: GEMM over patches with the GEMM micro-kernels, the patch matrix built a
 * block of output pixels at a time by {@link PatchRows}. Arguments are trusted (checked by
 * {@link Conv2d}). With {@code M = N*OH*OW} output pixels and {@code K = KH*KW*C} patch columns:
 * <ul>
 *   <li>forward: {@code out[M, OC] = patches[M, K] x filter[K, OC]}, the filter packed once per call
 *       into micro-kernel panels, bias and ReLU fused into the write-back;</li>
 *   <li>backwardInput: {@code patchGrads[M, K] = outputGrad[M, OC] x filter^T[OC, K]} a block at a
 *       time, scattered back onto the input (col2im); blocks of one image run in order on one thread,
 *       so the scatter needs no locks and sums in a fixed order;</li>
 *   <li>backwardFilter: {@code filterGrad[K, OC] = patches^T[K, M] x outputGrad[M, OC]}, read straight
 *       from the gathered patch rows by {@link GemmTnMicroKernel6x4}/{@link GemmTnMicroKernel12x2}; the
 *       reduction over M is cut into groups of whole blocks whose bounds depend only on the shape, each
 *       group sums into its own partial, and the partials are added in group order, so the result is
 *       bitwise identical for any thread count.</li>
 * </ul>
 * A 1x1 stride-1 convolution has the input itself as its patch matrix, so forward and backwardInput
 * are plain {@link Gemm} calls then.
 *
 * <p>Workspace: per thread, one block of patch rows ({@link #blockRows} rows of K, about
 * {@link #PATCH_BLOCK_FLOATS} floats), one packed operand (the filter, its transpose or a block of
 * output-gradient rows) and a micro-panel edge; on the calling thread also the filter-gradient partials
 * (at most {@link #MAX_FILTER_GROUPS} of {@code K*OC}, fewer for large filters). None of it depends on
 * the batch: {@link #workspaceFloats} gives the bound and is what the buffers are sized by.
 * Patch rows are gathered rather than read through an indirection table so that the existing
 * micro-kernels, which read A rows in place, serve every case; gathering a block costs one pass over
 * {@code K} floats per output pixel against {@code 2*K*OC} flops.
 */
final class VectorConv2d {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Target size of one block of gathered patch rows (256 KiB: with the packed filter, fits L2). */
    static final int PATCH_BLOCK_FLOATS = 1 << 16;

    /** Most output pixels per block, so that small-K layers still give several parallel chunks. */
    private static final int MAX_BLOCK_ROWS = 480;

    /** Block heights are multiples of this, the least common multiple of the two tile heights. */
    private static final int ROW_ALIGN = 12;

    /**
     * Target size of the output-gradient block one filter-gradient block streams through for every
     * tile of K (32 KiB, the L1 data cache).
     */
    private static final int FILTER_GRAD_BLOCK_FLOATS = 1 << 13;

    /** Most filter-gradient partials, the parallelism of backwardFilter. */
    static final int MAX_FILTER_GROUPS = 16;

    /** Ceiling on all filter-gradient partials together, so huge filters get fewer groups. */
    private static final int FILTER_PARTIAL_FLOATS = 1 << 22;

    /** Below this many multiply-adds a call stays on the calling thread: a fork would cost more. */
    private static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 18;

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
        Tile tile = Tile.forColumns(oc);
        int panels = panels(oc, tile);
        float[] packed = SCRATCH.get().packed(packedFloats(s));
        for (int panel = 0; panel < panels; panel++) {
            packColumns(filter, k, oc, panel, tile.columns, packed);
        }
        int blockRows = blockRows(k);
        int blocks = ceilDiv(m, blockRows);
        forChunks(isLarge(s), blocks, block -> {
            int first = block * blockRows;
            int rows = Math.min(blockRows, m - first);
            float[] patches = SCRATCH.get().patches(patchFloats(s));
            PatchRows.gather(s, input, first, rows, patches);
            for (int r = 0; r < rows; r += tile.rows) {
                int tileRows = Math.min(tile.rows, rows - r);
                int out = (first + r) * oc;
                for (int panel = 0; panel < panels; panel++) {
                    int column = panel * tile.columns;
                    tile.run(k, patches, r * k, k, packed, column * k, output, out + column, oc,
                            tileRows, oc - column, 0f, bias, column, relu);
                }
            }
        });
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
        Tile tile = Tile.forColumns(k);
        int panels = panels(k, tile);
        float[] packed = SCRATCH.get().packed(packedFloats(s));
        for (int panel = 0; panel < panels; panel++) {
            packTransposedColumns(filter, k, oc, panel, tile.columns, packed);
        }
        int blockRows = blockRows(k);
        int pixelsPerImage = s.outHeight() * s.outWidth();
        int imageLength = s.inHeight() * s.inWidth() * s.inChannels();
        forChunks(isLarge(s), s.batch(), image -> {
            Scratch scratch = SCRATCH.get();
            float[] patchGrads = scratch.patches(patchFloats(s));
            java.util.Arrays.fill(inputGrad, image * imageLength, (image + 1) * imageLength, 0f);
            int end = (image + 1) * pixelsPerImage;
            for (int first = image * pixelsPerImage; first < end; first += blockRows) {
                int rows = Math.min(blockRows, end - first);
                for (int r = 0; r < rows; r += tile.rows) {
                    int tileRows = Math.min(tile.rows, rows - r);
                    float[] a = outputGrad;
                    int aIndex = (first + r) * oc;
                    if (first + r + tile.rows > m) {
                        // The last rows of outputGrad: a full tile would read past the array.
                        a = scratch.edge(edgeFloats(s));
                        System.arraycopy(outputGrad, aIndex, a, 0, tileRows * oc);
                        aIndex = 0;
                    }
                    for (int panel = 0; panel < panels; panel++) {
                        int column = panel * tile.columns;
                        tile.run(oc, a, aIndex, oc, packed, column * oc, patchGrads, r * k + column, k,
                                tileRows, k - column, 0f, null, 0, false);
                    }
                }
                PatchRows.scatterAdd(s, patchGrads, first, rows, inputGrad);
            }
        });
    }

    static void backwardFilter(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad,
                               float[] biasGrad) {
        int m = s.outputPixels();
        int k = s.patchLength();
        int oc = s.outChannels();
        Tile tile = Tile.forColumns(oc);
        int panels = panels(oc, tile);
        int blockRows = filterGradBlockRows(s);
        int blocks = ceilDiv(m, blockRows);
        int blocksPerGroup = ceilDiv(blocks, Math.min(blocks, maxFilterGroups(s)));
        int groups = ceilDiv(blocks, blocksPerGroup);
        int filterLength = k * oc;
        int partialLength = filterLength + oc;
        float[] partials = SCRATCH.get().partials(partialFloats(s));
        // Rows of exactly one panel's width are already in the packed layout the micro-kernel reads.
        boolean inPlace = oc == tile.columns;
        forChunks(isLarge(s), groups, group -> {
            Scratch scratch = SCRATCH.get();
            float[] patches = scratch.patches(patchFloats(s));
            float[] packedGrad = inPlace ? null : scratch.packed(packedFloats(s));
            int partial = group * partialLength;
            int firstBlock = group * blocksPerGroup;
            int endBlock = Math.min(blocks, firstBlock + blocksPerGroup);
            for (int block = firstBlock; block < endBlock; block++) {
                int first = block * blockRows;
                int rows = Math.min(blockRows, m - first);
                float beta = block == firstBlock ? 0f : 1f;
                PatchRows.gather(s, input, first, rows, patches);
                float[] b = outputGrad;
                int bStart = first * oc;
                if (!inPlace) {
                    for (int panel = 0; panel < panels; panel++) {
                        packRows(outputGrad, first, rows, oc, panel, tile.columns, packedGrad);
                    }
                    b = packedGrad;
                    bStart = 0;
                }
                for (int r = 0; r < k; r += tile.rows) {
                    int tileRows = Math.min(tile.rows, k - r);
                    for (int panel = 0; panel < panels; panel++) {
                        int column = panel * tile.columns;
                        tile.runTransposedA(rows, patches, r, k, b, bStart + column * rows, partials,
                                partial + r * oc + column, oc, tileRows, oc - column, beta);
                    }
                }
                if (biasGrad != null) {
                    sumRows(outputGrad, first, rows, oc, partials, partial + filterLength, beta == 0f);
                }
            }
        });
        combine(partials, groups, partialLength, 0, filterGrad, filterLength);
        if (biasGrad != null) {
            combine(partials, groups, partialLength, filterLength, biasGrad, oc);
        }
    }

    /**
     * The most floats of per-thread scratch any method uses for {@code s} (the calling thread's, which
     * also holds the filter-gradient partials); independent of the batch.
     */
    static long workspaceFloats(Conv2dShape s) {
        return (long) packedFloats(s) + patchFloats(s) + edgeFloats(s) + partialFloats(s);
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

    /** Output pixels per forward/backwardInput block: about {@link #PATCH_BLOCK_FLOATS} of patch rows. */
    private static int blockRows(int patchLength) {
        int rows = Math.min(MAX_BLOCK_ROWS, PATCH_BLOCK_FLOATS / patchLength);
        return Math.max(ROW_ALIGN, rows / ROW_ALIGN * ROW_ALIGN);
    }

    /** Output pixels per backwardFilter block: its output-gradient rows stay in L1 across the K tiles. */
    private static int filterGradBlockRows(Conv2dShape s) {
        int rows = Math.min(blockRows(s.patchLength()), FILTER_GRAD_BLOCK_FLOATS / s.outChannels());
        return Math.max(ROW_ALIGN, rows / ROW_ALIGN * ROW_ALIGN);
    }

    private static int maxFilterGroups(Conv2dShape s) {
        long partial = (long) s.patchLength() * s.outChannels() + s.outChannels();
        return (int) Math.max(1, Math.min(MAX_FILTER_GROUPS, FILTER_PARTIAL_FLOATS / partial));
    }

    private static int packedFloats(Conv2dShape s) {
        int k = s.patchLength();
        int oc = s.outChannels();
        long forward = (long) panels(oc, Tile.forColumns(oc)) * Tile.forColumns(oc).columns * k;
        long backwardInput = (long) panels(k, Tile.forColumns(k)) * Tile.forColumns(k).columns * oc;
        long backwardFilter = (long) panels(oc, Tile.forColumns(oc)) * Tile.forColumns(oc).columns
                * filterGradBlockRows(s);
        return Checks.product("convolution packed operand", Math.max(forward, Math.max(backwardInput, backwardFilter)));
    }

    /** Patch rows of the larger block, plus one tile height of slack read by the ragged last K tile. */
    private static int patchFloats(Conv2dShape s) {
        int rows = Math.max(blockRows(s.patchLength()), filterGradBlockRows(s));
        return Checks.product("convolution patch block", rows, s.patchLength()) + ROW_ALIGN;
    }

    private static int edgeFloats(Conv2dShape s) {
        return ROW_ALIGN * s.outChannels();
    }

    private static int partialFloats(Conv2dShape s) {
        return Checks.product("convolution filter-gradient partials", maxFilterGroups(s),
                (long) s.patchLength() * s.outChannels() + s.outChannels());
    }

    private static int panels(int columns, Tile tile) {
        return ceilDiv(columns, tile.columns);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Packs columns {@code [panel*width, +width)} of the row-major {@code [rows, cols]} matrix, zero-padded. */
    private static void packColumns(float[] matrix, int rows, int cols, int panel, int width, float[] packed) {
        int column = panel * width;
        int valid = Math.min(width, cols - column);
        int out = column * rows;
        for (int p = 0; p < rows; p++, out += width) {
            System.arraycopy(matrix, p * cols + column, packed, out, valid);
            java.util.Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /** Packs columns {@code [panel*width, +width)} of the transpose of the row-major {@code [cols, rows]} matrix. */
    private static void packTransposedColumns(float[] matrix, int cols, int rows, int panel, int width,
                                              float[] packed) {
        int column = panel * width;
        int valid = Math.min(width, cols - column);
        int out = column * rows;
        for (int p = 0; p < rows; p++, out += width) {
            for (int j = 0; j < valid; j++) {
                packed[out + j] = matrix[(column + j) * rows + p];
            }
            java.util.Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /** Packs columns {@code [panel*width, +width)} of {@code rows} rows of {@code [*, cols]} from row {@code first}. */
    private static void packRows(float[] matrix, int first, int rows, int cols, int panel, int width, float[] packed) {
        int column = panel * width;
        int valid = Math.min(width, cols - column);
        int out = column * rows;
        for (int p = 0; p < rows; p++, out += width) {
            System.arraycopy(matrix, (first + p) * cols + column, packed, out, valid);
            java.util.Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /** {@code sums[j] (=|+=) sum of rows [first, first+rows) of matrix[*, cols]}, rows added in order. */
    private static void sumRows(float[] matrix, int first, int rows, int cols, float[] sums, int sumsIndex,
                                boolean overwrite) {
        if (overwrite) {
            java.util.Arrays.fill(sums, sumsIndex, sumsIndex + cols, 0f);
        }
        int lanes = SPECIES.length();
        for (int p = 0; p < rows; p++) {
            int row = (first + p) * cols;
            int j = 0;
            for (; j <= cols - lanes; j += lanes) {
                FloatVector.fromArray(SPECIES, sums, sumsIndex + j)
                        .add(FloatVector.fromArray(SPECIES, matrix, row + j))
                        .intoArray(sums, sumsIndex + j);
            }
            for (; j < cols; j++) {
                sums[sumsIndex + j] += matrix[row + j];
            }
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

    /** The two micro-kernel shapes: 12 x 2 vectors for at most 2*lanes columns, 6 x 4 vectors above. */
    private enum Tile {
        SIX_BY_FOUR(GemmMicroKernel6x4.ROWS, GemmMicroKernel6x4.COLUMNS),
        TWELVE_BY_TWO(GemmMicroKernel12x2.ROWS, GemmMicroKernel12x2.COLUMNS);

        final int rows;
        final int columns;

        Tile(int rows, int columns) {
            this.rows = rows;
            this.columns = columns;
        }

        static Tile forColumns(int n) {
            return n <= TWELVE_BY_TWO.columns ? TWELVE_BY_TWO : SIX_BY_FOUR;
        }

        /** {@code C = act(A x B + beta*C + bias)} with A rows read in place. */
        void run(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] c, int cIndex, int ldc,
                 int rows, int cols, float beta, float[] bias, int biasIndex, boolean relu) {
            if (this == SIX_BY_FOUR) {
                GemmMicroKernel6x4.run(kc, a, aIndex, lda, b, bIndex, c, cIndex, ldc, rows, cols,
                        1f, beta, bias, biasIndex, relu);
            } else {
                GemmMicroKernel12x2.run(kc, a, aIndex, lda, b, bIndex, c, cIndex, ldc, rows, cols,
                        1f, beta, bias, biasIndex, relu);
            }
        }

        /** {@code C = A^T x B + beta*C} with A's columns read in place. */
        void runTransposedA(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] c, int cIndex,
                            int ldc, int rows, int cols, float beta) {
            if (this == SIX_BY_FOUR) {
                GemmTnMicroKernel6x4.run(kc, a, aIndex, lda, b, bIndex, c, cIndex, ldc, rows, cols,
                        1f, beta, null, 0, false);
            } else {
                GemmTnMicroKernel12x2.run(kc, a, aIndex, lda, b, bIndex, c, cIndex, ldc, rows, cols,
                        1f, beta, null, 0, false);
            }
        }
    }

    /** Grow-only per-thread buffers, so steady-state calls allocate nothing. */
    private static final class Scratch {
        private float[] packed = new float[0];
        private float[] patches = new float[0];
        private float[] edge = new float[0];
        private float[] partials = new float[0];

        float[] packed(int length) {
            if (packed.length < length) {
                packed = new float[length];
            }
            return packed;
        }

        float[] patches(int length) {
            if (patches.length < length) {
                patches = new float[length];
            }
            return patches;
        }

        float[] edge(int length) {
            if (edge.length < length) {
                edge = new float[length];
            }
            return edge;
        }

        float[] partials(int length) {
            if (partials.length < length) {
                partials = new float[length];
            }
            return partials;
        }

        long floats() {
            return (long) packed.length + patches.length + edge.length + partials.length;
        }
    }
}
