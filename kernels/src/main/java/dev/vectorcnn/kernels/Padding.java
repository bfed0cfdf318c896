package dev.vectorcnn.kernels;

/**
 * TensorFlow's padding rule, the only place it is written down; every convolution and pooling
 * kernel asks this class for its output size and padding.
 *
 * <ul>
 *   <li>{@link #VALID}: no padding, {@code out = floor((in - k) / s) + 1} (0 when the window does not
 *       fit).</li>
 *   <li>{@link #SAME}: {@code out = ceil(in / s)}, {@code padTotal = max((out - 1) * s + k - in, 0)},
 *       {@code padBefore = padTotal / 2}; the odd extra row or column goes after (bottom/right).</li>
 * </ul>
 * Check: a 1x13 input 1..13, filter [2,3,5,7,11,13], stride 5 gives VALID [184, 389] and SAME
 * [143, 348, 204].
 */
public enum Padding {
    /** Only windows that fit entirely inside the input. */
    VALID,
    /** Enough zero padding that {@code out = ceil(in / stride)}. */
    SAME;

    /**
     * Output length along one axis for input length {@code in}, window {@code k} and stride {@code s}.
     *
     * @param in input length along the axis; positive
     * @param k  window (filter) length along the axis; positive
     * @param s  stride along the axis; positive
     * @return the output length: {@code ceil(in / s)} under SAME, {@code floor((in - k) / s) + 1} under VALID
     *         (0 when {@code k > in})
     * @throws IllegalArgumentException if {@code in}, {@code k} or {@code s} is not positive
     */
    public int outputSize(int in, int k, int s) {
        checkAxis(in, k, s);
        if (this == SAME) {
            return (int) (((long) in + s - 1) / s);
        }
        return in < k ? 0 : (in - k) / s + 1;
    }

    /**
     * Zero rows (or columns) before the first input element: {@code padTotal / 2} for SAME, 0 for VALID.
     *
     * @param in input length along the axis; positive
     * @param k  window (filter) length along the axis; positive
     * @param s  stride along the axis; positive
     * @return the zero rows (or columns) before the input: {@code max((ceil(in / s) - 1) * s + k - in, 0) / 2}
     *         under SAME, 0 under VALID
     * @throws IllegalArgumentException if {@code in}, {@code k} or {@code s} is not positive
     */
    public int padBefore(int in, int k, int s) {
        if (this == VALID) {
            checkAxis(in, k, s);
            return 0;
        }
        return (int) (padTotal(in, k, s) / 2);
    }

    /**
     * Zero rows (or columns) after the last input element: {@code padTotal - padTotal / 2} for SAME (the
     * odd extra one goes here, at the bottom or right), 0 for VALID. Under VALID, and under SAME when the
     * stride is larger than the window, the last input elements may lie in no window at all.
     *
     * @param in input length along the axis; positive
     * @param k  window (filter) length along the axis; positive
     * @param s  stride along the axis; positive
     * @return the zero rows (or columns) after the input: {@code padTotal - padTotal / 2} with
     *         {@code padTotal = max((ceil(in / s) - 1) * s + k - in, 0)} under SAME, 0 under VALID
     * @throws IllegalArgumentException if {@code in}, {@code k} or {@code s} is not positive
     */
    public int padAfter(int in, int k, int s) {
        if (this == VALID) {
            checkAxis(in, k, s);
            return 0;
        }
        long padTotal = padTotal(in, k, s);
        return (int) (padTotal - padTotal / 2);
    }

    /** {@code max((out - 1) * s + k - in, 0)}: below {@code k}, since the windows start inside the input. */
    private long padTotal(int in, int k, int s) {
        return Math.max((long) (outputSize(in, k, s) - 1) * s + k - in, 0L);
    }

    private static void checkAxis(int in, int k, int s) {
        Checks.positive("input size", in);
        Checks.positive("kernel size", k);
        Checks.positive("stride", s);
    }
}
