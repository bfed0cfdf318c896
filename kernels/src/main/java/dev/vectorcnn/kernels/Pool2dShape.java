package dev.vectorcnn.kernels;

/**
 * The geometry of a 2-D pooling: NHWC input {@code [batch, inHeight, inWidth, channels]}, a
 * {@code windowHeight x windowWidth} window moved by {@code (strideHeight, strideWidth)}, and
 * TensorFlow's {@link Padding} rule, giving NHWC output {@code [batch, outHeight, outWidth, channels]}.
 *
 * <p>Every window of a valid shape holds at least one real (unpadded) input cell: with SAME padding
 * the leading pad is smaller than the window and every window starts before the input ends.
 *
 * @param batch        images, &gt; 0
 * @param inHeight     input rows, &gt; 0
 * @param inWidth      input columns, &gt; 0
 * @param channels     channels (the contiguous axis), &gt; 0
 * @param windowHeight window rows, &gt; 0 (at most inHeight for VALID)
 * @param windowWidth  window columns, &gt; 0 (at most inWidth for VALID)
 * @param strideHeight step between window rows, &gt; 0 (may exceed the window)
 * @param strideWidth  step between window columns, &gt; 0 (may exceed the window)
 * @param padding      {@link Padding#VALID} or {@link Padding#SAME}
 */
public record Pool2dShape(int batch, int inHeight, int inWidth, int channels, int windowHeight, int windowWidth,
                          int strideHeight, int strideWidth, Padding padding) {

    /**
     * Validates the shape.
     *
     * @throws IllegalArgumentException if a size or stride is not positive, a VALID window is larger
     *                                  than the input, or the input or output has more than
     *                                  {@code Integer.MAX_VALUE} elements
     * @throws NullPointerException     if padding is null
     */
    public Pool2dShape {
        Checks.positive("batch", batch);
        Checks.positive("inHeight", inHeight);
        Checks.positive("inWidth", inWidth);
        Checks.positive("channels", channels);
        Checks.positive("windowHeight", windowHeight);
        Checks.positive("windowWidth", windowWidth);
        Checks.positive("strideHeight", strideHeight);
        Checks.positive("strideWidth", strideWidth);
        Checks.notNull("padding", padding);
        if (padding == Padding.VALID && (windowHeight > inHeight || windowWidth > inWidth)) {
            throw new IllegalArgumentException("VALID window " + windowHeight + "x" + windowWidth
                    + " does not fit the " + inHeight + "x" + inWidth + " input");
        }
        long in = (long) batch * inHeight * inWidth * channels;
        long out = (long) batch * padding.outputSize(inHeight, windowHeight, strideHeight)
                * padding.outputSize(inWidth, windowWidth, strideWidth) * channels;
        if (in > Integer.MAX_VALUE || out > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pooling of batch " + batch + " x " + inHeight + "x" + inWidth
                    + " x " + channels + " channels has " + in + " input and " + out
                    + " output elements; at most Integer.MAX_VALUE (" + Integer.MAX_VALUE + ") are supported");
        }
    }

    /**
     * Output rows: {@code padding.outputSize(inHeight, windowHeight, strideHeight)}.
     *
     * @return the output rows, at least 1
     */
    public int outHeight() {
        return padding.outputSize(inHeight, windowHeight, strideHeight);
    }

    /**
     * Output columns: {@code padding.outputSize(inWidth, windowWidth, strideWidth)}.
     *
     * @return the output columns, at least 1
     */
    public int outWidth() {
        return padding.outputSize(inWidth, windowWidth, strideWidth);
    }

    /**
     * Input elements, {@code batch * inHeight * inWidth * channels}.
     *
     * @return the input's element count, at most {@code Integer.MAX_VALUE}
     */
    public int inputLength() {
        return batch * inHeight * inWidth * channels;
    }

    /**
     * Output elements, {@code batch * outHeight * outWidth * channels}.
     *
     * @return the output's element count, at most {@code Integer.MAX_VALUE}
     */
    public int outputLength() {
        return batch * outHeight() * outWidth() * channels;
    }

    /**
     * Zero rows above the input (TensorFlow's rule, {@link Padding#padBefore}).
     *
     * @return the zero rows above the input, 0 under VALID
     */
    public int padTop() {
        return padding.padBefore(inHeight, windowHeight, strideHeight);
    }

    /**
     * Zero columns left of the input (TensorFlow's rule, {@link Padding#padBefore}).
     *
     * @return the zero columns left of the input, 0 under VALID
     */
    public int padLeft() {
        return padding.padBefore(inWidth, windowWidth, strideWidth);
    }

    /** Whether no input cell lies in two windows, so a backward pass may overwrite instead of accumulate. */
    private boolean windowsDisjoint() {
        return strideHeight >= windowHeight && strideWidth >= windowWidth;
    }

    /** Whether every input cell lies in exactly one window, so a backward pass writes every cell once. */
    private boolean windowsTileInput() {
        boolean strideIsWindow = strideHeight == windowHeight && strideWidth == windowWidth;
        // SAME with stride == window always reaches the last row/column; VALID only when it divides evenly.
        return strideIsWindow && (padding == Padding.SAME
                || (inHeight == outHeight() * windowHeight && inWidth == outWidth() * windowWidth));
    }

    /** Element visits of one output row of a pass over all windows: how {@link FixedChunks} sizes chunks. */
    long workPerOutputRow() {
        return (long) outWidth() * channels * windowHeight * windowWidth;
    }

    /** Computes a backward pass over output rows {@code [firstRow, endRow)} of {@code [batch * outHeight]}. */
    @FunctionalInterface
    interface BackwardRows {
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
    void runBackward(float[] inputGrad, BackwardRows rows) {
        long workPerRow = workPerOutputRow();
        if (windowsDisjoint()) {
            boolean tiled = windowsTileInput();
            FixedChunks.run(batch * outHeight(), workPerRow, (first, end) -> {
                if (!tiled) {
                    zeroRowBands(inputGrad, first, end);
                }
                rows.run(first, end, false);
            });
        } else {
            int imageLength = inHeight * inWidth * channels;
            FixedChunks.run(batch, workPerRow * outHeight(), (first, end) -> {
                java.util.Arrays.fill(inputGrad, first * imageLength, end * imageLength, 0f);
                rows.run(first * outHeight(), end * outHeight(), true);
            });
        }
    }

    /**
     * Zeroes, for each output row {@code [firstRow, endRow)} of {@code [batch * outHeight]}, the band of
     * input rows it owns: from its window's first row up to the next window's first row (the first band
     * starts at row 0, the last ends at the last row). With disjoint windows the bands partition the
     * input and contain their windows, so a backward pass over any set of output rows may zero their
     * bands and then write their windows without touching another row's cells.
     */
    private void zeroRowBands(float[] inputGrad, int firstRow, int endRow) {
        int outH = outHeight();
        int rowLength = inWidth * channels;
        for (int row = firstRow; row < endRow; row++) {
            int b = row / outH, oh = row - b * outH;
            int start = oh == 0 ? 0 : bandStart(oh);
            int end = oh == outH - 1 ? inHeight : bandStart(oh + 1);
            int image = b * inHeight * rowLength;
            java.util.Arrays.fill(inputGrad, image + start * rowLength, image + end * rowLength, 0f);
        }
    }

    private int bandStart(int oh) {
        return Math.min(Math.max(oh * strideHeight - padTop(), 0), inHeight);
    }
}
