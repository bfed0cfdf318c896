package dev.vectorcnn.kernels;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The Vector API GEMM driver: Goto/BLIS blocking around the micro-kernel of the {@link MicroKernelTile}
 * that fits n ({@link GemmMicroKernel6x4}, {@link GemmMicroKernel12x2} (or {@link GemmMicroKernel4x2} for
 * depths up to 16) or {@link GemmMicroKernel12x1}).
 * Arguments are trusted (checked by {@link Gemm}).
 *
 * <p>Structure, outermost first:
 * <ol>
 *   <li>A product whose packed B would pass {@link #MAX_PACKED_B_FLOATS} runs as blocks of columns, or,
 *       when one panel is already too deep, of depth, each a product of its own
 *       ({@link #multiplyInBlocks}).</li>
 *   <li>B is packed once per call into column panels of the micro-kernel's width, {@code k} rows
 *       each, zero-padded past column n (so no tile sees a ragged edge). The transpose of B is
 *       absorbed here. Panels are packed in parallel, in pieces of {@link #PACK_ROWS} rows.</li>
 *   <li>C is cut into chunks of {@link #rowsPerChunk(int, int)} rows by {@link #panelsPerGroup} B panels;
 *       chunks run in parallel, in one fork per call. Chunk boundaries depend only on the shape, so
 *       results do not depend on thread count.</li>
 *   <li>Inside a chunk: k blocks of at most {@link #MAX_DEPTH_BLOCK}, then B panels, then micro-panels
 *       of A rows: each B panel serves every micro-panel of the chunk before the next one is read, and
 *       the chunk's A rows stay in L2 across the panels. The opposite order (an A micro-panel held in
 *       L1 while every B panel streamed past it) measured 18-26% slower on square 512 and 1024 and on
 *       the conv2 shape (JMH, 3 forks each): per depth step the kernel reads four cache lines of B and
 *       six floats of A, so it is B that must stay close. The chunk's full tiles interleave, tile t
 *       taking rows t, t + tiles, ... ({@link MicroKernelTile#interleavedStride}), so that each tile
 *       row reads A as one ascending stream instead of starting afresh at every tile.</li>
 * </ol>
 * A is read in place when it is not transposed: with few output columns (convolutions have 32-64)
 * each A element feeds only 2n flops, so packing it would cost more than it saves (measured 1.6x on
 * the MNIST conv2 shape). A transposed A is packed per chunk into row-major blocks; both transposed
 * packings gather with {@link StridedGather}.
 */
final class VectorGemm {

    /**
     * The largest k block. One block writes C once. With B panels outermost, 256, 384 and 640 measured
     * the same within the error on square 512 and 1024 and the conv2 and 56x56 layer shapes (JMH, 3 forks),
     * so the largest keeps the fewest passes over C.
     */
    static final int MAX_DEPTH_BLOCK = 640;

    /** The most rows of C per parallel chunk: a multiple of both tile heights; 120 x 640 A rows fit in L2. */
    static final int MAX_ROWS_PER_CHUNK = 120;

    /**
     * Most floats of B, one depth block deep, that one parallel chunk reads (512 KiB, a quarter of L2):
     * each chunk covers a group of B panels as well as a block of rows, so that a wide B (square 1024:
     * 2 MiB per depth block) is read from L2 by many rows instead of from L3 by a few. Square 1024
     * against row chunks over every panel (JMH, 3 interleaved rounds): 1 thread 62.5 -> 68.0 ops/s,
     * 2 threads 117 -> 134; square 512 unchanged. Groups of 256 KiB or 1 MiB measured the same.
     */
    private static final int PANEL_GROUP_FLOATS = 1 << 17;

    /**
     * Chunks a call aims for, so that 2 to 8 threads get near-equal shares: with 120-row chunks square
     * 1024 had 9 chunks, and 2 threads split them 5/4.
     */
    private static final int TARGET_CHUNKS = 24;

    /** Below this many multiply-adds a call stays on the calling thread: a fork would cost more. */
    private static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 18;

    /**
     * Rows of B per packing task, so that a B of one panel (a dense layer's weights, 800 KB in the MNIST
     * network) is packed by every thread rather than by one while the others wait. With 2 threads
     * (JMH, 3 interleaved rounds): dense 3136 -> 64 forward 3,936 -> 4,606 ops/s (median), the training
     * step 84.8 -> 86.6 steps/s; 1 thread unchanged.
     */
    private static final int PACK_ROWS = 256;

    /** Where the packed panels of B start in their scratch array: on a cache line (see {@link CacheLineAligned}). */
    private static final int PACKED_B_START = CacheLineAligned.FIRST;

    /**
     * The most floats of packed B one product holds: 16 MiB, square 2048's whole B. It bounds the scratch
     * a thread keeps after a call, which packing all of a 1 x 10^7 B into 32-column panels would make 1.3 GB.
     */
    static final int MAX_PACKED_B_FLOATS = 1 << 22;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorGemm() {
    }

    static void multiply(boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float[] a, int aOffset, int lda,
                         float[] b, int bOffset, int ldb,
                         float beta, float[] c, int cOffset, int ldc, Epilogue epilogue) {
        MicroKernelTile tile = MicroKernelTile.forColumns(n);
        int panels = (n + tile.columns - 1) / tile.columns;
        if ((long) panels * tile.columns * k > MAX_PACKED_B_FLOATS) {
            multiplyInBlocks(tile, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
                    ldc, epilogue);
            return;
        }
        float[] packedB = SCRATCH.get().packedB(Checks.product("packed B", panels, tile.columns, k));
        boolean parallel = (long) m * n * k >= PARALLEL_MIN_MULTIPLY_ADDS;

        int packPieces = (k + PACK_ROWS - 1) / PACK_ROWS;
        forChunks(parallel, panels * packPieces, piece -> {
            int panel = piece / packPieces;
            int firstRow = piece % packPieces * PACK_ROWS;
            packPanelOfB(transB, b, bOffset, ldb, k, n, panel, tile.columns, firstRow, Math.min(k, firstRow + PACK_ROWS),
                    packedB);
        });

        int depthBlocks = (k + MAX_DEPTH_BLOCK - 1) / MAX_DEPTH_BLOCK;
        int depthBlock = (k + depthBlocks - 1) / depthBlocks;
        int panelsPerGroup = panelsPerGroup(depthBlock, tile.columns);
        int panelGroups = (panels + panelsPerGroup - 1) / panelsPerGroup;
        int rowsPerChunk = rowsPerChunk(m, panelGroups);
        // Row bounds in long and a ceilDiv: near Integer.MAX_VALUE rows the int sums overflow (and no
        // chunk ran). The depth and the columns stay small here: a large one goes to multiplyInBlocks.
        int rowChunks = Math.ceilDiv(m, rowsPerChunk);
        forChunks(parallel, rowChunks * panelGroups, chunk -> {
            int rowStart = chunk / panelGroups * rowsPerChunk;
            int rowEnd = (int) Math.min(m, (long) rowStart + rowsPerChunk);
            int firstPanel = chunk % panelGroups * panelsPerGroup;
            int endPanel = Math.min(panels, firstPanel + panelsPerGroup);
            Scratch scratch = SCRATCH.get();
            for (int depthStart = 0; depthStart < k; depthStart += depthBlock) {
                int depth = Math.min(depthBlock, k - depthStart);
                boolean firstDepth = depthStart == 0;
                boolean lastDepth = depthStart + depth == k;
                multiplyBlock(tile, transA, a, aOffset, lda, packedB, k, c, cOffset, ldc, n, firstPanel, endPanel,
                        rowStart, rowEnd, depthStart, depth,
                        alpha, firstDepth ? beta : 1f, lastDepth ? epilogue : Epilogue.NONE, scratch);
            }
        });
    }

    /** The floats of packed-B scratch the calling thread keeps (for tests of its bound). */
    static int packedBCapacity() {
        return SCRATCH.get().packedB.length;
    }

    /**
     * A bound on the floats of scratch a product with A not transposed leaves each thread holding, for
     * {@code op(B)} of {@code k} rows and {@code n} columns and any m: the packed B (at most
     * {@link #MAX_PACKED_B_FLOATS}, in its {@link CacheLineAligned} array), the zero-padded ragged rows of A
     * (a tile high, a depth block deep) and one tile. A transposed A's packed rows are left out: the
     * convolution, the one caller, never passes one.
     */
    static long workspaceFloats(int n, int k) {
        MicroKernelTile tile = MicroKernelTile.forColumns(n);
        long packedB = Math.min((long) Math.ceilDiv(n, tile.columns) * tile.columns * k, MAX_PACKED_B_FLOATS);
        // Column blocks of a product too large for one packed B may choose the taller tile.
        int edgeRows = Math.max(Math.max(GemmMicroKernel12x2.ROWS, GemmMicroKernel12x1.ROWS), GemmMicroKernel6x4.ROWS);
        return CacheLineAligned.lengthFor((int) packedB) + (long) edgeRows * Math.min(k, MAX_DEPTH_BLOCK)
                + (long) tile.rows * tile.columns;
    }

    /** Floats of all the scratch the current thread holds now, for the convolution's workspace test. */
    static long scratchFloatsOfCurrentThread() {
        return SCRATCH.get().floats();
    }

    /**
     * A product too large for one packed B, as blocks that each fit: whole panels of columns over the full
     * depth while one panel fits, otherwise depth blocks over all columns, the later ones adding to C. Each
     * block is a product of its own, cut by the shape alone, so results still do not depend on the
     * thread count. Column blocks sum every element over the same depth blocks as one product would.
     */
    private static void multiplyInBlocks(MicroKernelTile tile, boolean transA, boolean transB, int m, int n, int k,
                                         float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                         float beta, float[] c, int cOffset, int ldc, Epilogue epilogue) {
        int deepestPanel = MAX_PACKED_B_FLOATS / tile.columns;
        if (k <= deepestPanel) {
            int blockColumns = MAX_PACKED_B_FLOATS / k / tile.columns * tile.columns;
            // Stepping by what was done, not by the block: first + blockColumns could overflow.
            for (int first = 0, columns; first < n; first += columns) {
                columns = Math.min(blockColumns, n - first);
                Epilogue shifted = epilogue.bias() == null ? epilogue
                        : new Epilogue(epilogue.bias(), epilogue.biasOffset() + first, epilogue.relu());
                multiply(transA, transB, m, columns, k, alpha, a, aOffset, lda,
                        b, bOffset + (transB ? first * ldb : first), ldb, beta, c, cOffset + first, ldc, shifted);
            }
            return;
        }
        int blockDepth = deepestPanel / MAX_DEPTH_BLOCK * MAX_DEPTH_BLOCK;
        for (int first = 0, depth; first < k; first += depth) {
            depth = Math.min(blockDepth, k - first);
            boolean last = first + depth == k;
            multiply(transA, transB, m, n, depth, alpha, a, aOffset + (transA ? first * lda : first), lda,
                    b, bOffset + (transB ? first : first * ldb), ldb, first == 0 ? beta : 1f, c, cOffset, ldc,
                    last ? epilogue : Epilogue.NONE);
        }
    }

    /**
     * B panels per parallel chunk: as many as keep their pieces of one depth block within
     * {@link #PANEL_GROUP_FLOATS}, at least one.
     */
    static int panelsPerGroup(int depthBlock, int panelColumns) {
        return Math.max(1, PANEL_GROUP_FLOATS / (depthBlock * panelColumns));
    }

    /**
     * Rows per parallel chunk for an m-row product whose columns are cut into {@code panelGroups}: about
     * {@code m * panelGroups / TARGET_CHUNKS}, rounded up to a multiple of 12 (both tile heights), at most
     * {@link #MAX_ROWS_PER_CHUNK}. It depends on the shape only, never on the thread count; and a chunk's
     * rows and columns do not change the order in which any element of C sums over k, so results are
     * bitwise identical for any number of threads.
     */
    static int rowsPerChunk(int m, int panelGroups) {
        int tileMultiple = 12;
        long rows = Math.ceilDiv((long) m * panelGroups, TARGET_CHUNKS);
        rows = Math.ceilDiv(rows, tileMultiple) * tileMultiple;
        return (int) Math.min(MAX_ROWS_PER_CHUNK, rows);
    }

    /**
     * One (row chunk, panel group, depth block) of C: B panel by B panel, and for each panel every
     * micro-panel of A rows, so the panel stays hot while A streams from L2.
     */
    private static void multiplyBlock(MicroKernelTile tile, boolean transA, float[] a, int aOffset, int lda,
                                      float[] packedB, int k, float[] c, int cOffset, int ldc, int n,
                                      int firstPanel, int endPanel,
                                      int rowStart, int rowEnd, int depthStart, int depth, float alpha, float beta,
                                      Epilogue epilogue, Scratch scratch) {
        float[] bias = epilogue.bias();
        boolean relu = epilogue.relu();
        int rows = rowEnd - rowStart;
        float[] product = scratch.tile(tile.rows * tile.columns);
        // Where the micro-kernel reads A: in place, or a packed copy for a transposed A.
        float[] aSource = a;
        int aStart = aOffset + rowStart * lda + depthStart;
        int aLd = lda;
        if (transA) {
            int paddedRows = (rows + tile.rows - 1) / tile.rows * tile.rows;
            aSource = scratch.packedA(paddedRows * depth);
            packRowsOfTransposedA(a, aOffset, lda, rowStart, rows, paddedRows, depthStart, depth, aSource);
            aStart = 0;
            aLd = depth;
        }
        int fullTiles = rows / tile.rows;
        int fullRows = fullTiles * tile.rows;
        float[] edgeA = null;
        if (fullRows < rows) {
            // The ragged last rows: a zero-padded copy, so the kernel never reads past row m.
            edgeA = scratch.edgeA(tile.rows * depth);
            copyEdgeRows(aSource, aStart + fullRows * aLd, aLd, rows - fullRows, depth, edgeA, tile.rows);
        }
        // With nothing to apply, full tiles go straight to C: the write-back's round trip through a
        // scratch tile cost as much as the multiply-adds when k is small (MNIST conv1's k = 9).
        boolean direct = alpha == 1f && (beta == 0f || beta == 1f) && bias == null && !relu;
        for (int panel = firstPanel; panel < endPanel; panel++) {
            int column = panel * tile.columns;
            int bStart = PACKED_B_START + panel * tile.columns * k + depthStart * tile.columns;
            int biasIndex = epilogue.biasOffset() + column;
            boolean fullWidth = column + tile.columns <= n;
            int cStart = cOffset + rowStart * ldc + column;
            if (direct && fullWidth) {
                tile.multiplyTiles(fullTiles, depth, aSource, aStart, aLd, packedB, bStart, c, cStart, ldc, beta == 1f);
            } else {
                // The full tiles interleave here too (MicroKernelTile.interleavedStride says why).
                int aStride = MicroKernelTile.interleavedStride(aLd, fullTiles);
                int cStride = MicroKernelTile.interleavedStride(ldc, fullTiles);
                for (int t = 0; t < fullTiles; t++) {
                    tile.multiply(depth, aSource, aStart + t * aLd, aStride, packedB, bStart, product, 0, false);
                    GemmWriteBack.apply(product, 0, tile.columns, tile.rows, n - column, c, cStart + t * ldc, cStride,
                            alpha, beta, bias, biasIndex, relu);
                }
            }
            if (fullRows < rows) {
                int cIndex = cStart + fullRows * ldc;
                int edgeRows = rows - fullRows;
                if (direct && fullWidth) {
                    // The ragged last rows go straight to C as well, through a scratch copy of their rows:
                    // summed apart and added in the write-back, a row's result would depend on where m
                    // cuts the tiles, and a model's predictions on the batch size.
                    if (beta == 1f) {
                        copyEdgeRows(c, cIndex, ldc, edgeRows, tile.columns, product, tile.rows);
                    }
                    tile.multiply(depth, edgeA, 0, depth, packedB, bStart, product, 0, beta == 1f);
                    for (int i = 0; i < edgeRows; i++) {
                        System.arraycopy(product, i * tile.columns, c, cIndex + i * ldc, tile.columns);
                    }
                } else {
                    tile.multiply(depth, edgeA, 0, depth, packedB, bStart, product, 0, false);
                    GemmWriteBack.apply(product, 0, tile.columns, edgeRows, n - column, c, cIndex, ldc, alpha, beta,
                            bias, biasIndex, relu);
                }
            }
        }
    }

    /**
     * Packs columns {@code [panel*width, panel*width + width)} of op(B), rows {@code [firstRow, endRow)},
     * zero-padded; the panel starts at {@code packed[PACKED_B_START + panel*width*k]}.
     */
    private static void packPanelOfB(boolean transB, float[] b, int bOffset, int ldb, int k, int n,
                                     int panel, int width, int firstRow, int endRow, float[] packed) {
        int column = panel * width;
        int valid = Math.min(width, n - column);
        int out = PACKED_B_START + panel * width * k + firstRow * width;
        int[] gather = transB ? StridedGather.offsets(ldb) : null;
        for (int p = firstRow; p < endRow; p++, out += width) {
            if (transB) {
                StridedGather.copy(b, bOffset + column * ldb + p, ldb, gather, packed, out, valid);
            } else {
                System.arraycopy(b, bOffset + p * ldb + column, packed, out, valid);
            }
            Arrays.fill(packed, out + valid, out + width, 0f);
        }
    }

    /** Rows {@code rowStart..} of op(A) = A^T, depth columns from depthStart, as a row-major block. */
    private static void packRowsOfTransposedA(float[] a, int aOffset, int lda, int rowStart, int rows,
                                              int paddedRows, int depthStart, int depth, float[] packed) {
        int[] gather = StridedGather.offsets(lda);
        int source = aOffset + depthStart * lda + rowStart;
        for (int i = 0; i < rows; i++) {
            StridedGather.copy(a, source + i, lda, gather, packed, i * depth, depth);
        }
        Arrays.fill(packed, rows * depth, paddedRows * depth, 0f);
    }

    private static void copyEdgeRows(float[] a, int start, int lda, int rows, int depth, float[] edge, int tileRows) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, start + i * lda, edge, i * depth, depth);
        }
        Arrays.fill(edge, rows * depth, tileRows * depth, 0f);
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
        private float[] packedB = new float[0];
        private float[] packedA = new float[0];
        private float[] edgeA = new float[0];
        private float[] tile = new float[0];

        float[] tile(int length) {
            if (tile.length < length) {
                tile = new float[length];
            }
            return tile;
        }

        /** The packed panels of B, from {@link #PACKED_B_START}. */
        float[] packedB(int length) {
            if (packedB.length < CacheLineAligned.lengthFor(length)) {
                packedB = CacheLineAligned.floats(length);
            }
            return packedB;
        }

        float[] packedA(int length) {
            if (packedA.length < length) {
                packedA = new float[length];
            }
            return packedA;
        }

        float[] edgeA(int length) {
            if (edgeA.length < length) {
                edgeA = new float[length];
            }
            return edgeA;
        }

        long floats() {
            return (long) packedB.length + packedA.length + edgeA.length + tile.length;
        }
    }
}
