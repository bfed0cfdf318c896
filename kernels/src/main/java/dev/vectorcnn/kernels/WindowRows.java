package dev.vectorcnn.kernels;

/**
 * The input rows the windows of a run of output rows cover, each stored once: the walk that
 * {@code VectorConv2d}'s padded rows and {@link PlanarRows} share, whatever the layout of one stored row.
 * Rows shared by vertically overlapping windows of one image are stored once, in order, so filter row kh
 * of an output row lies {@code kh} rows after its first; a new image, or a vertical stride above the
 * filter height, starts a fresh run. At most KH rows are stored per output row.
 */
final class WindowRows {

    /**
     * Stores one row. Implementations take everything they need as arguments and capture nothing, so that
     * a call allocates no lambda (a capturing one cost MNIST conv1's forward 10 KB a call).
     */
    interface Store<T> {
        /**
         * Stores input row {@code inputRow} of image {@code image} of {@code input} into {@code rows} at
         * {@code index}, {@code rowFloats} floats, a row of zeros when it lies in the top or bottom padding;
         * returns 0, or NaN to report a value that is not finite.
         */
        float row(T owner, float[] input, float[] rows, int rowFloats, int image, int inputRow, int index);
    }

    private WindowRows() {
    }

    /**
     * Stores the rows output rows {@code [firstOutRow, firstOutRow + outRows)} (over {@code N*OH}) cover into
     * {@code rows}, {@code rowFloats} apart, through {@code store} with {@code owner}, and sets
     * {@code rowStarts[g * startStride]} to where output row g's first filter row starts. Returns the sum of
     * what {@code store} returned.
     */
    static <T> float store(Conv2dShape s, int firstOutRow, int outRows, T owner, float[] input, float[] rows,
                           int rowFloats, int[] rowStarts, int startStride, Store<T> store) {
        int outHeight = s.outHeight();
        int filterHeight = s.filterHeight();
        float probe = 0f;
        int image = -1;
        int firstRow = 0;
        int endRow = 0;
        int base = 0;
        for (int g = 0; g < outRows; g++) {
            int outRow = firstOutRow + g;
            int rowImage = outRow / outHeight;
            int top = (outRow - rowImage * outHeight) * s.strideHeight() - s.padTop();
            if (rowImage != image || top > endRow) {
                base += endRow - firstRow;
                image = rowImage;
                firstRow = top;
                endRow = top;
            }
            for (; endRow < top + filterHeight; endRow++) {
                probe += store.row(owner, input, rows, rowFloats, image, endRow, (base + endRow - firstRow) * rowFloats);
            }
            rowStarts[g * startStride] = (base + top - firstRow) * rowFloats;
        }
        return probe;
    }
}
