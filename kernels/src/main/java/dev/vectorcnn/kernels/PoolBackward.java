package dev.vectorcnn.kernels;

import java.util.Arrays;

/**
 * How the vectorised pooling backward passes ({@link VectorMaxPool2d}, {@link VectorAvgPool2d}) are cut
 * into parallel chunks, and which cells of the input gradient are zeroed before a chunk writes its
 * windows. The chunks depend only on the shape ({@link FixedChunks}), so results do not depend on the
 * thread count.
 */
final class PoolBackward {

    private PoolBackward() {
    }

    /** Computes a backward pass over output rows {@code [firstRow, endRow)} of {@code [batch * outHeight]}. */
    @FunctionalInterface
    interface Rows {
        /** Writes each window's gradient, or adds it when {@code accumulate} (windows overlap). */
        void run(int firstRow, int endRow, boolean accumulate);
    }

    /**
     * Runs a pooling backward pass in parallel chunks with {@code inputGrad} zeroed where it must be.
     * With disjoint windows every input cell belongs to at most one window, so chunks of output rows
     * run in parallel and write their windows' cells, zeroing only the cells no window covers;
     * otherwise chunks of whole images are zeroed and their windows accumulate (a single image then
     * stays on one thread).
     */
    static void run(Pool2dShape s, float[] inputGrad, Rows rows) {
        long workPerRow = s.workPerOutputRow();
        if (windowsDisjoint(s)) {
            boolean tiled = windowsTileInput(s);
            FixedChunks.run(s.batch() * s.outHeight(), workPerRow, (first, end) -> {
                if (!tiled) {
                    zeroRowBands(s, inputGrad, first, end);
                }
                rows.run(first, end, false);
            });
        } else {
            int imageLength = s.inHeight() * s.inWidth() * s.channels();
            FixedChunks.run(s.batch(), workPerRow * s.outHeight(), (first, end) -> {
                Arrays.fill(inputGrad, first * imageLength, end * imageLength, 0f);
                rows.run(first * s.outHeight(), end * s.outHeight(), true);
            });
        }
    }

    /** Whether no input cell lies in two windows, so a backward pass may overwrite instead of accumulate. */
    private static boolean windowsDisjoint(Pool2dShape s) {
        return s.strideHeight() >= s.windowHeight() && s.strideWidth() >= s.windowWidth();
    }

    /** Whether every input cell lies in exactly one window, so a backward pass writes every cell once. */
    private static boolean windowsTileInput(Pool2dShape s) {
        boolean strideIsWindow = s.strideHeight() == s.windowHeight() && s.strideWidth() == s.windowWidth();
        // SAME with stride == window always reaches the last row/column; VALID only when it divides evenly.
        return strideIsWindow && (s.padding() == Padding.SAME
                || (s.inHeight() == s.outHeight() * s.windowHeight() && s.inWidth() == s.outWidth() * s.windowWidth()));
    }

    /**
     * Zeroes, for each output row {@code [firstRow, endRow)} of {@code [batch * outHeight]}, the band of
     * input rows it owns: from its window's first row up to the next window's first row (the first band
     * starts at row 0, the last ends at the last row). With disjoint windows the bands partition the
     * input and contain their windows, so a backward pass over any set of output rows may zero their
     * bands and then write their windows without touching another row's cells.
     */
    private static void zeroRowBands(Pool2dShape s, float[] inputGrad, int firstRow, int endRow) {
        int outH = s.outHeight();
        int inHeight = s.inHeight();
        int rowLength = s.inWidth() * s.channels();
        for (int row = firstRow; row < endRow; row++) {
            int b = row / outH, oh = row - b * outH;
            int start = oh == 0 ? 0 : bandStart(s, oh);
            int end = oh == outH - 1 ? inHeight : bandStart(s, oh + 1);
            int image = b * inHeight * rowLength;
            Arrays.fill(inputGrad, image + start * rowLength, image + end * rowLength, 0f);
        }
    }

    private static int bandStart(Pool2dShape s, int oh) {
        return Math.min(Math.max(oh * s.strideHeight() - s.padTop(), 0), s.inHeight());
    }
}
