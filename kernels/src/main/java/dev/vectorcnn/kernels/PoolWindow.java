package dev.vectorcnn.kernels;

/**
 * A cursor over the windows of a {@link Pool2dShape} for the vectorised pooling loops: {@link #row}
 * moves to an output row (over {@code batch * outHeight}), {@link #column} to one window of it, and the
 * fields then say where that window's real cells lie in the NHWC input (padded cells are left out).
 * Small enough for C2 to inline and keep in registers, so the loops pay nothing for sharing it.
 */
final class PoolWindow {

    // The shape's derived sizes (output size, padding) are computed by Padding on every call: keep them.
    private final int outHeight;
    private final int strideHeight;
    private final int strideWidth;
    private final int padTop;
    private final int padLeft;
    private final int windowHeight;
    private final int windowWidth;
    private final int inHeight;
    private final int inWidth;
    private final int channels;
    /** Windows per output row. */
    final int outWidth;
    /** Floats from one input row to the next. */
    final int rowStride;
    private int outRow;
    private int hStart;
    private int h0;
    private int imageRow;
    /** Input index of the window's first real cell, channel 0. */
    int first;
    /** Output index of the window, channel 0. */
    int output;
    /** Real rows and columns of the window. */
    int rows;
    int cols;
    /**
     * Row-major index, within the full window (padding included), of the first real cell. Meaningful
     * only for the argmax forms, whose windows have at most {@link MaxPool2d#MAX_ARGMAX_WINDOW_CELLS}
     * cells, so it cannot overflow there.
     */
    int firstCell;

    PoolWindow(Pool2dShape s) {
        outHeight = s.outHeight();
        outWidth = s.outWidth();
        strideHeight = s.strideHeight();
        strideWidth = s.strideWidth();
        padTop = s.padTop();
        padLeft = s.padLeft();
        windowHeight = s.windowHeight();
        windowWidth = s.windowWidth();
        inHeight = s.inHeight();
        inWidth = s.inWidth();
        channels = s.channels();
        rowStride = inWidth * channels;
    }

    /** Moves to output row {@code row} of {@code [batch * outHeight]}. */
    void row(int row) {
        int b = row / outHeight;
        hStart = (row - b * outHeight) * strideHeight - padTop;
        h0 = Math.max(hStart, 0);
        rows = Pool2dShape.windowEnd(hStart, windowHeight, inHeight) - h0;
        imageRow = (b * inHeight + h0) * rowStride;
        outRow = row;
    }

    /** Moves to the window of output column {@code ow} in the current row. */
    void column(int ow) {
        int wStart = ow * strideWidth - padLeft;
        int w0 = Math.max(wStart, 0);
        cols = Pool2dShape.windowEnd(wStart, windowWidth, inWidth) - w0;
        first = imageRow + w0 * channels;
        firstCell = (h0 - hStart) * windowWidth + (w0 - wStart);
        output = (outRow * outWidth + ow) * channels;
    }

    /** Whether exactly 2x2 of the window's cells are real. */
    boolean realCells2x2() {
        return rows == 2 && cols == 2;
    }
}
