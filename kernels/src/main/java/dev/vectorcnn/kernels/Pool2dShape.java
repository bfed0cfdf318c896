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

    /**
     * End (exclusive) along one axis of the real cells of a window starting at {@code start} (negative in
     * the leading padding): {@code min(start + window, in)}, summed in long because a SAME window may be
     * nearly {@code Integer.MAX_VALUE} long, where {@code start + window} overflows int.
     */
    static int windowEnd(int start, int window, int in) {
        return (int) Math.min((long) start + window, in);
    }

    /**
     * Element visits of one output row of a pass over all windows: how {@link FixedChunks} sizes chunks.
     * A window visits at most {@code min(windowHeight, inHeight) x min(windowWidth, inWidth)} real cells;
     * counting those rather than the full window keeps the product below 2^62 (outWidth x channels and
     * inHeight x inWidth are each at most Integer.MAX_VALUE), where a huge SAME window's
     * {@code windowHeight x windowWidth} would overflow a long.
     */
    long workPerOutputRow() {
        return (long) outWidth() * channels * Math.min(windowHeight, inHeight) * Math.min(windowWidth, inWidth);
    }

    /** Element visits of one image: {@code outHeight} times {@link #workPerOutputRow()}, still below 2^62. */
    long workPerImage() {
        return outHeight() * workPerOutputRow();
    }
}
