package dev.vectorcnn.kernels;

/**
 * The shape of a 2-D convolution as TensorFlow's {@code tf.nn.conv2d} defines it: NHWC input
 * {@code [batch, inHeight, inWidth, inChannels]}, HWIO filter
 * {@code [filterHeight, filterWidth, inChannels, outChannels]}, NHWC output
 * {@code [batch, outHeight(), outWidth(), outChannels]}, strides per axis and TensorFlow's
 * {@link Padding} rule (which this record asks, never re-derives).
 *
 * <p>The constructor validates everything a kernel relies on, so a shape that exists is a shape every
 * {@link Conv2d} method can run: every size is positive, a {@link Padding#VALID} filter fits inside
 * the input, and the input, filter and output element counts fit an {@code int} index.
 *
 * @param batch        images per call (N)
 * @param inHeight     input rows (H)
 * @param inWidth      input columns (W)
 * @param inChannels   input channels (C)
 * @param filterHeight filter rows (KH)
 * @param filterWidth  filter columns (KW)
 * @param outChannels  output channels (OC)
 * @param strideHeight vertical stride
 * @param strideWidth  horizontal stride
 * @param padding      {@link Padding#SAME} or {@link Padding#VALID}
 */
public record Conv2dShape(int batch, int inHeight, int inWidth, int inChannels, int filterHeight, int filterWidth,
                          int outChannels, int strideHeight, int strideWidth, Padding padding) {

    /**
     * Validates the shape.
     *
     * @throws IllegalArgumentException if a size or stride is not positive, a VALID filter is larger than
     *                                  the input, or a tensor would have more than {@code Integer.MAX_VALUE}
     *                                  elements
     * @throws NullPointerException     if padding is null
     */
    public Conv2dShape {
        Checks.positive("batch", batch);
        Checks.positive("inHeight", inHeight);
        Checks.positive("inWidth", inWidth);
        Checks.positive("inChannels", inChannels);
        Checks.positive("filterHeight", filterHeight);
        Checks.positive("filterWidth", filterWidth);
        Checks.positive("outChannels", outChannels);
        Checks.positive("strideHeight", strideHeight);
        Checks.positive("strideWidth", strideWidth);
        Checks.notNull("padding", padding);
        if (padding == Padding.VALID && (filterHeight > inHeight || filterWidth > inWidth)) {
            throw new IllegalArgumentException("VALID padding needs the filter to fit the input: filter "
                    + filterHeight + "x" + filterWidth + " is larger than input " + inHeight + "x" + inWidth);
        }
        int outHeight = padding.outputSize(inHeight, filterHeight, strideHeight);
        int outWidth = padding.outputSize(inWidth, filterWidth, strideWidth);
        Checks.tensorElements("input", batch, inHeight, inWidth, inChannels);
        Checks.tensorElements("filter", filterHeight, filterWidth, inChannels, outChannels);
        Checks.tensorElements("output", batch, outHeight, outWidth, outChannels);
    }

    /**
     * Output rows: {@link Padding#outputSize} of the input height, filter height and vertical stride.
     *
     * @return the output rows (OH), at least 1
     */
    public int outHeight() {
        return padding.outputSize(inHeight, filterHeight, strideHeight);
    }

    /**
     * Output columns: {@link Padding#outputSize} of the input width, filter width and horizontal stride.
     *
     * @return the output columns (OW), at least 1
     */
    public int outWidth() {
        return padding.outputSize(inWidth, filterWidth, strideWidth);
    }

    /**
     * Zero rows above the input ({@link Padding#padBefore}).
     *
     * @return the zero rows above the input, 0 under VALID
     */
    public int padTop() {
        return padding.padBefore(inHeight, filterHeight, strideHeight);
    }

    /**
     * Zero columns left of the input ({@link Padding#padBefore}).
     *
     * @return the zero columns left of the input, 0 under VALID
     */
    public int padLeft() {
        return padding.padBefore(inWidth, filterWidth, strideWidth);
    }

    /**
     * Elements of the input, {@code batch * inHeight * inWidth * inChannels}.
     *
     * @return the input's element count, at most {@code Integer.MAX_VALUE}
     */
    public int inputLength() {
        return batch * inHeight * inWidth * inChannels;
    }

    /**
     * Elements of the filter, {@code filterHeight * filterWidth * inChannels * outChannels}.
     *
     * @return the filter's element count, at most {@code Integer.MAX_VALUE}
     */
    public int filterLength() {
        return filterHeight * filterWidth * inChannels * outChannels;
    }

    /**
     * Elements of the output, {@code batch * outHeight() * outWidth() * outChannels}.
     *
     * @return the output's element count, at most {@code Integer.MAX_VALUE}
     */
    public int outputLength() {
        return batch * outHeight() * outWidth() * outChannels;
    }

    /**
     * The same convolution with each stride above its input size lowered to that size. A stride that
     * large leaves one window along its axis, and with the lowered stride the window, the padding and the
     * output stay the same; the vector kernels' sub-pixel classes and row buffers grow with the stride,
     * so a stride of 2^20 would cost them memory and time for nothing.
     */
    Conv2dShape withStridesAtMostInput() {
        int sy = Math.min(strideHeight, inHeight);
        int sx = Math.min(strideWidth, inWidth);
        return sy == strideHeight && sx == strideWidth ? this
                : new Conv2dShape(batch, inHeight, inWidth, inChannels, filterHeight, filterWidth, outChannels, sy, sx,
                        padding);
    }

    /** Length of one patch row of the implicit im2col matrix, {@code filterHeight * filterWidth * inChannels}. */
    int patchLength() {
        return filterHeight * filterWidth * inChannels;
    }

    /** Output pixels over the whole batch, {@code batch * outHeight() * outWidth()}: rows of the im2col matrix. */
    int outputPixels() {
        return batch * outHeight() * outWidth();
    }
}
