package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The window bounds every pooling kernel walks ({@link PoolWindow} for the vector paths, and
 * {@link Pool2dShape#windowEnd} beneath it and the scalar ones) and the chunking estimate, on shapes whose
 * window sums overflow int. Running a kernel on them needs an input of more than 5 GB, so the bounds are
 * checked without allocating one.
 */
class PoolWindowTest {

    /**
     * 1 x 1,350,000,000 x 1 x 1, window 2147483647 x 1, stride 450000000, SAME: 3 output rows, 848741823
     * rows of padding on top. The last window starts at row 51258177, and start + window overflows int.
     */
    private static final Pool2dShape TALL = new Pool2dShape(1, 1_350_000_000, 1, 1, Integer.MAX_VALUE, 1,
            450_000_000, 1, Padding.SAME);

    /** The same along the width, so {@link PoolWindow#column} meets the overflow. */
    private static final Pool2dShape WIDE = new Pool2dShape(1, 1, 1_350_000_000, 1, 1, Integer.MAX_VALUE,
            1, 450_000_000, Padding.SAME);

    /** Real cells of window {@code o} along an axis, computed in long. */
    private static long realCells(long o, long stride, long pad, long window, long in) {
        long start = o * stride - pad;
        return Math.min(start + window, in) - Math.max(start, 0);
    }

    @Test
    void huge_same_window_row_range_does_not_overflow() {
        assertEquals(3, TALL.outHeight());
        assertEquals(848_741_823, TALL.padTop());
        PoolWindow w = new PoolWindow(TALL);
        long[] expectedRows = {1_298_741_824L, 1_350_000_000L, 1_298_741_823L};
        for (int oh = 0; oh < 3; oh++) {
            assertEquals(expectedRows[oh], realCells(oh, 450_000_000L, 848_741_823L, Integer.MAX_VALUE, 1_350_000_000L),
                    "the long computation itself, row " + oh);
            w.row(oh);
            w.column(0);
            assertEquals(expectedRows[oh], w.rows, "real rows of window " + oh);
            assertEquals(1, w.cols, "real columns of window " + oh);
            long firstRow = Math.max(oh * 450_000_000L - 848_741_823L, 0);
            assertEquals(firstRow, w.first, "first real cell of window " + oh);
        }
    }

    @Test
    void huge_same_window_column_range_does_not_overflow() {
        assertEquals(3, WIDE.outWidth());
        assertEquals(848_741_823, WIDE.padLeft());
        PoolWindow w = new PoolWindow(WIDE);
        w.row(0);
        long[] expectedCols = {1_298_741_824L, 1_350_000_000L, 1_298_741_823L};
        for (int ow = 0; ow < 3; ow++) {
            w.column(ow);
            assertEquals(1, w.rows, "real rows of window " + ow);
            assertEquals(expectedCols[ow], w.cols, "real columns of window " + ow);
            assertEquals(Math.max(ow * 450_000_000L - 848_741_823L, 0), w.first, "first real cell of window " + ow);
        }
    }

    @Test
    void window_end_does_not_overflow() {
        // The scalar kernels' bound for the last window of TALL: start 51258177, end the input's last row.
        assertEquals(1_350_000_000, Pool2dShape.windowEnd(51_258_177, Integer.MAX_VALUE, 1_350_000_000));
        assertEquals(1_298_741_824, Pool2dShape.windowEnd(-848_741_823, Integer.MAX_VALUE, 1_350_000_000));
        assertEquals(1, Pool2dShape.windowEnd(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 1));
        assertEquals(5, Pool2dShape.windowEnd(3, 2, 7));
    }

    @Test
    void chunking_work_counts_real_cells_and_does_not_overflow() {
        // windowHeight x windowWidth = (2^31 - 1)^2; times outWidth x channels it overflows a long.
        Pool2dShape s = new Pool2dShape(1, 46_340, 46_340, 1, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1,
                Padding.SAME);
        assertEquals(46_340L * 46_340 * 46_340, s.workPerOutputRow());
        assertEquals(46_340L * 46_340 * 46_340 * 46_340, s.workPerImage());
        assertEquals(1_350_000_000L, TALL.workPerOutputRow());
        // An ordinary shape counts its full windows, as before.
        Pool2dShape mnist = new Pool2dShape(100, 28, 28, 32, 2, 2, 2, 2, Padding.SAME);
        assertEquals(14L * 32 * 2 * 2, mnist.workPerOutputRow());
        assertEquals(14L * 14 * 32 * 2 * 2, mnist.workPerImage());
    }
}
