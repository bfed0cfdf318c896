package dev.vectorcnn.kernels;

/**
 * The three register tiles the GEMM and convolution drivers choose between, and the micro-kernel
 * calls for each: {@link GemmMicroKernel12x1} (12 rows x 1 vector) when the output has at most
 * lanes columns, {@link GemmMicroKernel12x2} (12 rows x 2 vectors) up to 2*lanes, where a wider tile
 * would multiply mostly zero padding (its plain {@link #multiply} run as three {@link GemmMicroKernel4x2}
 * tiles for short depths), and {@link GemmMicroKernel6x4} (6 rows x 4 vectors) above. The
 * indirect transposed-A variants ({@link ConvTnMicroKernel6x4}, {@link ConvTnMicroKernel12x2},
 * {@link ConvTnMicroKernel12x1}) serve the convolution's filter gradient and its short-row forwards.
 * Two 14-row kernels sit outside this choice and are called by the convolution itself:
 * {@link ConvTnMicroKernel14x2} for the one-channel forward, where rows of 14 pixels fit better, and
 * {@link Stride64MicroKernel14x2}, whose rows of A lie a constant 64 floats apart, for the input gradient
 * of layers with 64 output channels and one panel of input channels and for the forward of layers whose
 * pixels' patch rows lie 64 floats apart.
 */
enum MicroKernelTile {
    SIX_BY_FOUR(GemmMicroKernel6x4.ROWS, GemmMicroKernel6x4.COLUMNS),
    TWELVE_BY_TWO(GemmMicroKernel12x2.ROWS, GemmMicroKernel12x2.COLUMNS),
    TWELVE_BY_ONE(GemmMicroKernel12x1.ROWS, GemmMicroKernel12x1.COLUMNS);

    final int rows;
    final int columns;
    /**
     * Row placement of a scratch tile for {@link #multiplyRowsSegments} and {@link #multiplyRowsByDepth}: row r
     * at {@code r * columns}. Never written.
     */
    final int[] scratchRows;

    MicroKernelTile(int rows, int columns) {
        this.rows = rows;
        this.columns = columns;
        scratchRows = new int[rows];
        for (int r = 0; r < rows; r++) {
            scratchRows[r] = r * columns;
        }
    }

    static MicroKernelTile forColumns(int n) {
        if (n <= TWELVE_BY_ONE.columns) {
            return TWELVE_BY_ONE;
        }
        return n <= TWELVE_BY_TWO.columns ? TWELVE_BY_TWO : SIX_BY_FOUR;
    }

    /**
     * {@code C = act(A x B + (accumulate ? C : 0) + bias)} for the top-left {@code rows x cols} of a tile,
     * with A rows read in place (see {@link GemmMicroKernel6x4}), through the scratch {@code tile}.
     */
    void multiplyWrittenBack(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] c, int cIndex,
                             int ldc, int rows, int cols, boolean accumulate, float[] bias, int biasIndex, boolean relu,
                             float[] tile) {
        multiply(kc, a, aIndex, lda, b, bIndex, tile, 0, false);
        GemmWriteBack.apply(tile, 0, columns, rows, cols, c, cIndex, ldc, 1f, accumulate ? 1f : 0f, bias, biasIndex, relu);
    }

    /** {@code tile[tileIndex..] (+)= A x B}, raw, with A rows read in place; a scratch tile of {@link #columns}-float rows. */
    void multiply(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] tile, int tileIndex,
               boolean accumulate) {
        multiply(kc, a, aIndex, lda, b, bIndex, tile, tileIndex, columns, accumulate);
    }

    /**
     * {@code out (+)= A x B} for a full tile written straight to rows {@code outStride} apart, such as C when
     * there is no alpha, bias or activation to apply and no ragged edge. The 12 x 2 tile runs as three 4 x 2
     * tiles ({@link GemmMicroKernel4x2}) for depths of at most {@link GemmMicroKernel4x2#MAX_DEPTH}, with the same bits.
     */
    void multiply(int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] out, int outIndex,
                  int outStride, boolean accumulate) {
        switch (this) {
            case SIX_BY_FOUR -> GemmMicroKernel6x4.multiply(kc, a, aIndex, lda, b, bIndex, out, outIndex, outStride,
                    accumulate);
            case TWELVE_BY_TWO -> {
                if (runsAsFourByTwo(kc)) {
                    GemmMicroKernel4x2.multiply(rows, kc, a, aIndex, lda, b, bIndex, out, outIndex, outStride,
                            accumulate);
                } else {
                    GemmMicroKernel12x2.multiply(kc, a, aIndex, lda, b, bIndex, out, outIndex, outStride, accumulate);
                }
            }
            case TWELVE_BY_ONE -> GemmMicroKernel12x1.multiply(kc, a, aIndex, lda, b, bIndex, out, outIndex, outStride,
                    accumulate);
        }
    }

    /** Whether {@link #multiply} and {@link #multiplyTiles} run this depth on {@link GemmMicroKernel4x2}. */
    private boolean runsAsFourByTwo(int kc) {
        return this == TWELVE_BY_TWO && kc <= GemmMicroKernel4x2.MAX_DEPTH;
    }

    /**
     * {@code tiles * rows} rows of A and {@code out}, {@code lda} and {@code outStride} apart, as full tiles
     * with the same bits as a call of {@link #multiply} per tile. The 12 x 2 tile's short depths run them
     * all in one call of {@link GemmMicroKernel4x2}. The others take a call per tile, and the tiles
     * interleave ({@link #interleavedStride}): tile t holds rows t, t + tiles, t + 2 * tiles and so on.
     */
    void multiplyTiles(int tiles, int kc, float[] a, int aIndex, int lda, float[] b, int bIndex, float[] out,
                       int outIndex, int outStride, boolean accumulate) {
        if (runsAsFourByTwo(kc)) {
            GemmMicroKernel4x2.multiply(tiles * rows, kc, a, aIndex, lda, b, bIndex, out, outIndex, outStride,
                    accumulate);
            return;
        }
        for (int t = 0; t < tiles; t++) {
            multiply(kc, a, aIndex + t * lda, interleavedStride(lda, tiles), b, bIndex, out, outIndex + t * outStride,
                    interleavedStride(outStride, tiles), accumulate);
        }
    }

    /**
     * The distance between a tile's rows when {@code tiles} full tiles of a block interleave, tile t holding
     * the block's rows t, t + tiles, t + 2 * tiles and so on: {@code stride * tiles}, for rows
     * {@code stride} apart. Tile after tile, each of the tile's rows then reads on just past where the
     * previous tile's row ended (directly after it when the rows lie end to end, as an im2col A's
     * do when one depth block covers them), so each tile row is one ascending stream through the
     * block. Tiles of adjacent rows instead start that many streams afresh at every tile, and where
     * A comes from L3 or memory the kernel probably waited on them (no hardware counters here to
     * show it): interleaved, the GEMM's 56x56 layer shape (A of 231 MB) ran 1.24x faster and the conv2
     * shape (22.6 MB) 1.17x, square 512 (from L2) the same (Zen 5 host, JMH, 3 interleaved rounds,
     * 1 thread). The product is at most the distance from a block's first row to its last, within one
     * array, so it does not overflow.
     */
    static int interleavedStride(int stride, int tiles) {
        return stride * tiles;
    }

    /**
     * {@code C = A x B} for a full tile, raw, with its rows placed by tables and A's depth in {@code segments}
     * runs of {@code kc} steps, {@code segmentStride} apart: row r of A, run i, step p at
     * {@code aIndex + aRows[r] + i*segmentStride + p}, B's packed rows one after another, row r of C at
     * {@code cIndex + cRows[r]}; C is a scratch tile ({@link #scratchRows}) or C itself. The one-vector tile
     * runs all the runs in one call ({@link GemmMicroKernel12x1#multiplyRowsSegments}); the wider ones, whose
     * 24 accumulators C2 compiles worse in that nested loop, take a call per run, the later ones adding to
     * the first. Either way each sum runs in the same order.
     */
    void multiplyRowsSegments(int kc, int segments, int segmentStride, float[] a, int aIndex, int[] aRows,
                              float[] b, int bIndex, float[] c, int cIndex, int[] cRows) {
        if (this == TWELVE_BY_ONE) {
            GemmMicroKernel12x1.multiplyRowsSegments(kc, segments, segmentStride, a, aIndex, aRows, b, bIndex, c,
                    cIndex, cRows);
            return;
        }
        for (int i = 0; i < segments; i++) {
            multiplyRows(kc, a, aIndex + i * segmentStride, aRows, b, bIndex + i * kc * columns, c, cIndex, cRows,
                    i > 0);
        }
    }

    /** {@code C (+)= A x B} for one run of {@link #multiplyRowsSegments} on a wider tile. */
    private void multiplyRows(int kc, float[] a, int aIndex, int[] aRows, float[] b, int bIndex, float[] c,
                              int cIndex, int[] cRows, boolean accumulate) {
        switch (this) {
            case SIX_BY_FOUR -> GemmMicroKernel6x4.multiplyRows(kc, a, aIndex, aRows, b, bIndex, c, cIndex, cRows,
                    accumulate);
            case TWELVE_BY_TWO -> GemmMicroKernel12x2.multiplyRows(kc, a, aIndex, aRows, b, bIndex, c, cIndex, cRows,
                    accumulate);
            case TWELVE_BY_ONE -> throw new AssertionError("the 12 x 1 tile runs all its runs in one call");
        }
    }

    /**
     * {@link #multiplyRowsSegments} with A's depth steps placed by a table instead: row r, step p at
     * {@code aIndex + aRows[r] + depthOffsets[depthIndex + p]}; written over C.
     */
    void multiplyRowsByDepth(int kc, float[] a, int aIndex, int[] aRows, int[] depthOffsets, int depthIndex,
                             float[] b, int bIndex, float[] c, int cIndex, int[] cRows) {
        switch (this) {
            case SIX_BY_FOUR -> GemmMicroKernel6x4.multiplyRowsByDepth(kc, a, aIndex, aRows, depthOffsets, depthIndex,
                    b, bIndex, c, cIndex, cRows);
            case TWELVE_BY_TWO -> GemmMicroKernel12x2.multiplyRowsByDepth(kc, a, aIndex, aRows, depthOffsets,
                    depthIndex, b, bIndex, c, cIndex, cRows);
            case TWELVE_BY_ONE -> throw new AssertionError(
                    "the input gradient runs the 12 x 1 tile through GemmMicroKernel12x1.multiplyRowsSegments");
        }
    }

    /**
     * {@code C (+)= A^T x B} for a full tile, depth step p reading A's column at
     * {@code aIndex + offsets[p]} ({@link ConvTnMicroKernel6x4#run}); accumulated in C itself when C's
     * rows are exactly one tile wide (a filter-gradient partial), otherwise through {@code tile}.
     */
    void runIndirect(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] c, int cIndex,
                     int ldc, int cols, boolean accumulate, float[] tile) {
        if (ldc == columns && cols == columns) {
            transposedA(kc, a, aIndex, offsets, b, bIndex, null, 0, Float.NEGATIVE_INFINITY, c, cIndex, columns,
                    accumulate);
        } else {
            runIndirectWrittenBack(kc, a, aIndex, offsets, b, bIndex, c, cIndex, ldc, rows, cols, accumulate, null, 0,
                    false, tile);
        }
    }

    /**
     * {@code C = act(A^T x B + bias)} for a full tile with all {@link #columns} columns, depth step p
     * reading A's column at {@code aIndex + offsets[p]}, written straight into C with the bias and
     * activation applied in registers.
     */
    void runIndirectActivated(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] c,
                              int cIndex, int ldc, float[] bias, int biasIndex, boolean relu) {
        transposedA(kc, a, aIndex, offsets, b, bIndex, bias, biasIndex, relu ? 0f : Float.NEGATIVE_INFINITY, c,
                cIndex, ldc, false);
    }

    /**
     * {@link #runIndirectActivated} for only the first {@code rows} rows of a tile, through the scratch
     * {@code tile}: the same arithmetic as a full tile's (the bias in the accumulators), so that a pixel's
     * bits do not depend on whether it falls in a ragged tile, which depends on the batch size where tiles
     * run on across images.
     */
    void runIndirectActivatedRows(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] c,
                                  int cIndex, int ldc, int rows, float[] bias, int biasIndex, boolean relu,
                                  float[] tile) {
        transposedA(kc, a, aIndex, offsets, b, bIndex, bias, biasIndex, relu ? 0f : Float.NEGATIVE_INFINITY, tile, 0,
                columns, false);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(tile, i * columns, c, cIndex + i * ldc, columns);
        }
    }

    /**
     * {@code C = act(A^T x B + (accumulate ? C : 0) + bias)} for the first {@code rows} rows and {@code cols}
     * columns of a tile, depth step p reading A's column at {@code aIndex + offsets[p]}: the raw tile goes
     * to {@code tile}, then {@link GemmWriteBack} applies the rest.
     */
    void runIndirectWrittenBack(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] c,
                                int cIndex, int ldc, int rows, int cols, boolean accumulate, float[] bias,
                                int biasIndex, boolean relu, float[] tile) {
        transposedA(kc, a, aIndex, offsets, b, bIndex, null, 0, Float.NEGATIVE_INFINITY, tile, 0, columns, false);
        GemmWriteBack.apply(tile, 0, columns, rows, cols, c, cIndex, ldc, 1f, accumulate ? 1f : 0f, bias, biasIndex,
                relu);
    }

    private void transposedA(int kc, float[] a, int aIndex, int[] offsets, float[] b, int bIndex, float[] bias,
                             int biasIndex, float floor, float[] c, int cIndex, int ldc, boolean accumulate) {
        switch (this) {
            case SIX_BY_FOUR -> ConvTnMicroKernel6x4.run(kc, a, aIndex, offsets, b, bIndex, bias, biasIndex, floor, c,
                    cIndex, ldc, accumulate);
            case TWELVE_BY_TWO -> ConvTnMicroKernel12x2.run(kc, a, aIndex, offsets, b, bIndex, bias, biasIndex, floor, c,
                    cIndex, ldc, accumulate);
            case TWELVE_BY_ONE -> ConvTnMicroKernel12x1.run(kc, a, aIndex, offsets, b, bIndex, bias, biasIndex, floor, c,
                    cIndex, ldc, accumulate);
        }
    }
}
