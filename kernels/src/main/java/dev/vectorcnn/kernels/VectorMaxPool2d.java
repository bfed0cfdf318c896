package dev.vectorcnn.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling on the Vector API: each window is reduced one vector of channels at a time (NHWC keeps
 * the channels of a pixel contiguous), with the channels past the last full vector done by
 * {@link ScalarMaxPool2d#argmax}. Arguments are trusted (checked by {@link MaxPool2d}); results are
 * bitwise those of {@link ScalarMaxPool2d}, which also takes the backward from argmax bytes of a layer
 * with fewer channels than a vector (when there are at least as many images as threads).
 *
 * <p>Backward comes in two forms. From the input, it recomputes each window's maximum (TensorFlow's
 * MaxPoolGrad also recomputes): no buffer between the passes, but a second read of the whole input.
 * The winning cell per lane is then found by a second scan for the first cell equal to the maximum
 * ({@link #windowGradient(float[], int, int, int, int, int, float[], int, float[], boolean)}), or, for a
 * full 2x2 window, straight from the forward compares. From argmax bytes, which a forward pass records
 * (one per output element: the winning cell's index in its window, carried per lane as a float, exact
 * up to 255, and stored with one narrowing convert), backward reads one byte per output element instead
 * of the input. When windows are disjoint (stride &gt;= window) every input cell is written by at most
 * one window, so chunks of output rows run in parallel and each window writes its cells; otherwise
 * chunks of whole images run in parallel and windows accumulate into a zeroed gradient (a single image
 * then stays on one thread).
 *
 * <p>Measured on the MNIST pool shape (100 x 14x14 x 64, 2x2 stride 2 VALID, 512-bit, one thread): forward
 * 208-227 us (23-24 GB/s read), 243 us with argmax; backward from the input 430-510 us (5 MB in, 1.25 MB
 * in and 5 MB out; a plain 5 MB vector copy takes 317 us here), from argmax 350 us window by window,
 * about 300 us since full rows of 2x2 windows are written in input order ({@link #backwardRow2x2};
 * writing 5 MB alone takes 175 us).
 */
final class VectorMaxPool2d {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** The argmax bytes of one vector of channels: a byte per float lane (64 bits at least, a shape's minimum). */
    private static final VectorSpecies<Byte> ARGMAX = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(Math.max(64, SPECIES.length() * Byte.SIZE)));

    /** The argmax lanes that belong to the float lanes (all of them unless floats are 128-bit). */
    private static final VectorMask<Byte> ARGMAX_LANES = ARGMAX.indexInRange(0, SPECIES.length());

    private VectorMaxPool2d() {
    }

    static void forward(Pool2dShape s, float[] input, float[] output) {
        FixedChunks.run(s.batch() * s.outHeight(), s.workPerOutputRow(), (first, end) -> forwardRows(s, input, output, first, end));
    }

    static void backward(Pool2dShape s, float[] input, float[] outputGrad, float[] inputGrad) {
        PoolBackward.run(s, inputGrad, (first, end, accumulate) ->
                backwardRows(s, input, outputGrad, inputGrad, first, end, accumulate));
    }

    static void forward(Pool2dShape s, float[] input, float[] output, byte[] argmax) {
        FixedChunks.run(s.batch() * s.outHeight(), s.workPerOutputRow(),
                (first, end) -> forwardRows(s, input, output, argmax, first, end));
    }

    static void backward(Pool2dShape s, byte[] argmax, float[] outputGrad, float[] inputGrad) {
        if (SPECIES.loopBound(s.channels()) == 0 && s.batch() >= KernelThreads.threads()) {
            // No full vector of channels: the reference's fill-then-scatter gives the same bits and beat the
            // window walk 1.6x on one channel. It splits the work by image, so it needs an image per thread.
            ScalarMaxPool2d.backward(s, argmax, outputGrad, inputGrad);
            return;
        }
        PoolBackward.run(s, inputGrad, (first, end, accumulate) ->
                backwardRows(s, argmax, outputGrad, inputGrad, first, end, accumulate));
    }

    /** Output rows {@code [firstRow, endRow)} of {@code [batch * outHeight]}. */
    private static void forwardRows(Pool2dShape s, float[] input, float[] output, int firstRow, int endRow) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final PoolWindow w = new PoolWindow(s);
        for (int row = firstRow; row < endRow; row++) {
            w.row(row);
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                int c = 0;
                if (w.realCells2x2()) {
                    for (; c < vectorEnd; c += lanes) {
                        windowMax2x2(input, w.first + c, w.rowStride, channels).intoArray(output, w.output + c);
                    }
                }
                for (; c < vectorEnd; c += lanes) {
                    windowMax(input, w.first + c, w.rows, w.cols, w.rowStride, channels).intoArray(output, w.output + c);
                }
                for (; c < channels; c++) {
                    output[w.output + c] = input[ScalarMaxPool2d.argmax(input, w.first + c, w.rows, w.cols, w.rowStride,
                            channels)];
                }
            }
        }
    }

    /**
     * Output rows {@code [firstRow, endRow)}: adds (accumulate) or writes (disjoint windows, cells outside
     * windows already zero) each window's gradient at its first maximum, zero at its other cells.
     */
    private static void backwardRows(Pool2dShape s, float[] input, float[] outputGrad, float[] inputGrad,
                                     int firstRow, int endRow, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final PoolWindow w = new PoolWindow(s);
        for (int row = firstRow; row < endRow; row++) {
            w.row(row);
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                int first = w.first, o = w.output, rows = w.rows, cols = w.cols, rowStride = w.rowStride;
                int c = 0;
                if (w.realCells2x2() && !accumulate) {
                    for (; c < vectorEnd; c += lanes) {
                        windowGradient2x2(input, first + c, rowStride, channels, outputGrad, o + c, inputGrad);
                    }
                }
                for (; c < vectorEnd; c += lanes) {
                    windowGradient(input, first + c, rows, cols, rowStride, channels, outputGrad, o + c, inputGrad,
                            accumulate);
                }
                for (; c < channels; c++) {
                    if (!accumulate) {
                        zeroWindow(inputGrad, first + c, rows, cols, rowStride, channels);
                    }
                    inputGrad[ScalarMaxPool2d.argmax(input, first + c, rows, cols, rowStride, channels)] += outputGrad[o + c];
                }
            }
        }
    }

    /** {@link #forwardRows(Pool2dShape, float[], float[], int, int)} recording each window's winning cell. */
    private static void forwardRows(Pool2dShape s, float[] input, float[] output, byte[] argmax, int firstRow,
                                    int endRow) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final int windowWidth = s.windowWidth();
        final boolean window2x2 = s.windowHeight() == 2 && windowWidth == 2;
        final PoolWindow w = new PoolWindow(s);
        for (int row = firstRow; row < endRow; row++) {
            w.row(row);
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                int first = w.first, o = w.output, rowStride = w.rowStride;
                int c = 0;
                if (window2x2 && w.realCells2x2()) {
                    for (; c < vectorEnd; c += lanes) {
                        windowArgmax2x2(input, first + c, rowStride, channels, output, argmax, o + c);
                    }
                }
                for (; c < vectorEnd; c += lanes) {
                    windowArgmax(input, first + c, w.rows, w.cols, rowStride, channels, w.firstCell, windowWidth,
                            output, argmax, o + c);
                }
                for (; c < channels; c++) {
                    int cell = ScalarMaxPool2d.argmax(input, first + c, w.rows, w.cols, rowStride, channels);
                    int offset = cell - (first + c);
                    output[o + c] = input[cell];
                    argmax[o + c] = (byte) (w.firstCell + offset / rowStride * windowWidth + offset % rowStride / channels);
                }
            }
        }
    }

    /** {@link #backwardRows(Pool2dShape, float[], float[], float[], int, int, boolean)} from recorded winners. */
    private static void backwardRows(Pool2dShape s, byte[] argmax, float[] outputGrad, float[] inputGrad,
                                     int firstRow, int endRow, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int channels = s.channels();
        final int vectorEnd = SPECIES.loopBound(channels);
        final int windowWidth = s.windowWidth();
        final boolean window2x2 = s.windowHeight() == 2 && windowWidth == 2;
        final PoolWindow w = new PoolWindow(s);
        for (int row = firstRow; row < endRow; row++) {
            w.row(row);
            if (window2x2 && !accumulate && vectorEnd == channels && everyWindowOfRowReal2x2(w)) {
                backwardRow2x2(w, argmax, outputGrad, inputGrad, channels);
                continue;
            }
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                int first = w.first, o = w.output, rows = w.rows, cols = w.cols, rowStride = w.rowStride;
                int c = 0;
                if (window2x2 && w.realCells2x2() && !accumulate) {
                    for (; c < vectorEnd; c += lanes) {
                        windowGradient2x2(argmax, outputGrad, o + c, first + c, rowStride, channels, inputGrad);
                    }
                }
                for (; c < vectorEnd; c += lanes) {
                    windowGradient(argmax, outputGrad, o + c, first + c, rows, cols, rowStride, channels,
                            w.firstCell, windowWidth, inputGrad, accumulate);
                }
                for (; c < channels; c++) {
                    // Zero the window, then add at the winner: a compare and branch per cell ran 1.7x slower
                    // (on one channel, before such calls went to the reference when they can).
                    if (!accumulate) {
                        zeroWindow(inputGrad, first + c, rows, cols, rowStride, channels);
                    }
                    // The winner's place among the window's real cells; a cell outside them gets nothing. Floor
                    // division, because a byte may name a padded cell before the first real one.
                    int fromFirst = Byte.toUnsignedInt(argmax[o + c]) - w.firstCell;
                    int i = Math.floorDiv(fromFirst, windowWidth);
                    int j = Math.floorMod(fromFirst, windowWidth);
                    if (i >= 0 && i < rows && j < cols) {
                        inputGrad[first + c + i * rowStride + j * channels] += outputGrad[o + c];
                    }
                }
            }
        }
    }

    /** Zeroes one channel of a window's real cells: {@code rows x cols} from {@code first}, as the scans lay them out. */
    private static void zeroWindow(float[] inputGrad, int first, int rows, int cols, int rowStride, int pixelStride) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                inputGrad[cell] = 0f;
            }
        }
    }

    /**
     * Whether every window of the current output row of 2x2 windows has 2x2 real cells (unlike
     * {@link PoolWindow#realCells2x2()}, which asks it of one window). Only the last can have fewer:
     * TensorFlow's SAME rule pads a window 2 wide by at most one column, on the right. Moves {@code w}
     * to that last window.
     */
    private static boolean everyWindowOfRowReal2x2(PoolWindow w) {
        if (w.rows != 2) {
            return false;
        }
        w.column(w.outWidth - 1);
        return w.cols == 2;
    }

    /**
     * The input gradient under one output row of disjoint 2x2 windows, from recorded winners, written
     * along each of the two input rows in turn, pixel after pixel: the stores then run through memory
     * in order. Measured on the MNIST pool's 5 MB (plain vector stores, one thread): 19 GB/s in the
     * window-by-window order (four cells per vector of channels), 23 GB/s a window's pixels at a
     * time, 28 GB/s in input order.
     */
    private static void backwardRow2x2(PoolWindow w, byte[] argmax, float[] outputGrad, float[] inputGrad,
                                       int channels) {
        final int lanes = SPECIES.length();
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int cellRow = 0; cellRow < 2; cellRow++) {
            for (int ow = 0; ow < w.outWidth; ow++) {
                w.column(ow);
                int o = w.output;
                for (int cellColumn = 0; cellColumn < 2; cellColumn++) {
                    int cell = w.first + cellRow * w.rowStride + cellColumn * channels;
                    float index = 2 * cellRow + cellColumn;
                    for (int c = 0; c < channels; c += lanes) {
                        // 0 + g rather than g, so a -0.0 gradient lands as the scalar reference's 0f += -0.0 does.
                        FloatVector gradient = zero.add(FloatVector.fromArray(SPECIES, outputGrad, o + c));
                        zero.blend(gradient, loadCells(argmax, o + c).compare(VectorOperators.EQ, index))
                                .intoArray(inputGrad, cell + c);
                    }
                }
            }
        }
    }

    /** Per lane, the window's first maximum and its cell index, written to output and argmax at {@code o}. */
    private static void windowArgmax(float[] input, int first, int rows, int cols, int rowStride, int pixelStride,
                                     int firstCell, int windowWidth, float[] output, byte[] argmax, int o) {
        FloatVector best = FloatVector.fromArray(SPECIES, input, first);
        FloatVector winner = FloatVector.broadcast(SPECIES, firstCell);
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                FloatVector v = FloatVector.fromArray(SPECIES, input, cell);
                VectorMask<Float> won = v.compare(VectorOperators.GT, best);
                best = best.blend(v, won);
                winner = winner.blend(firstCell + i * windowWidth + j, won);
            }
        }
        best.intoArray(output, o);
        storeCells(winner, argmax, o);
    }

    /** {@link #windowArgmax} for a full 2x2 window, unrolled. */
    private static void windowArgmax2x2(float[] input, int first, int rowStride, int pixelStride, float[] output,
                                        byte[] argmax, int o) {
        FloatVector best = FloatVector.fromArray(SPECIES, input, first);
        FloatVector v = FloatVector.fromArray(SPECIES, input, first + pixelStride);
        VectorMask<Float> won = v.compare(VectorOperators.GT, best);
        best = best.blend(v, won);
        FloatVector winner = FloatVector.zero(SPECIES).blend(1f, won);
        v = FloatVector.fromArray(SPECIES, input, first + rowStride);
        won = v.compare(VectorOperators.GT, best);
        best = best.blend(v, won);
        winner = winner.blend(2f, won);
        v = FloatVector.fromArray(SPECIES, input, first + rowStride + pixelStride);
        won = v.compare(VectorOperators.GT, best);
        best.blend(v, won).intoArray(output, o);
        storeCells(winner.blend(3f, won), argmax, o);
    }

    /** Sends one vector of window gradients to the cells {@code argmax} names; other cells get 0 or keep their sum. */
    private static void windowGradient(byte[] argmax, float[] outputGrad, int o, int first, int rows, int cols,
                                       int rowStride, int pixelStride, int firstCell, int windowWidth,
                                       float[] inputGrad, boolean accumulate) {
        FloatVector winner = loadCells(argmax, o);
        FloatVector gradient = FloatVector.fromArray(SPECIES, outputGrad, o);
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                VectorMask<Float> hit = winner.compare(VectorOperators.EQ, firstCell + i * windowWidth + j);
                // 0 + g rather than g, so a -0.0 gradient lands as the scalar reference's 0f += -0.0 does.
                (accumulate ? FloatVector.fromArray(SPECIES, inputGrad, cell) : zero).add(gradient, hit)
                        .intoArray(inputGrad, cell);
            }
        }
    }

    /** {@link #windowGradient} for a full 2x2 window whose cells belong to no other window, unrolled. */
    private static void windowGradient2x2(byte[] argmax, float[] outputGrad, int o, int first, int rowStride,
                                          int pixelStride, float[] inputGrad) {
        FloatVector winner = loadCells(argmax, o);
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector gradient = zero.add(FloatVector.fromArray(SPECIES, outputGrad, o));
        zero.blend(gradient, winner.compare(VectorOperators.EQ, 0f)).intoArray(inputGrad, first);
        zero.blend(gradient, winner.compare(VectorOperators.EQ, 1f)).intoArray(inputGrad, first + pixelStride);
        zero.blend(gradient, winner.compare(VectorOperators.EQ, 2f)).intoArray(inputGrad, first + rowStride);
        zero.blend(gradient, winner.compare(VectorOperators.EQ, 3f))
                .intoArray(inputGrad, first + rowStride + pixelStride);
    }

    /** Stores one vector of window cell indices (0..255, exact in float) as unsigned bytes. */
    private static void storeCells(FloatVector cells, byte[] argmax, int o) {
        ByteVector bytes = (ByteVector) cells.convertShape(VectorOperators.F2B, ARGMAX, 0);
        if (ARGMAX.length() == SPECIES.length()) {
            bytes.intoArray(argmax, o);
        } else {
            bytes.intoArray(argmax, o, ARGMAX_LANES);
        }
    }

    /** Loads one vector of window cell indices stored by {@link #storeCells}. */
    private static FloatVector loadCells(byte[] argmax, int o) {
        ByteVector bytes = ARGMAX.length() == SPECIES.length() ? ByteVector.fromArray(ARGMAX, argmax, o)
                : ByteVector.fromArray(ARGMAX, argmax, o, ARGMAX_LANES);
        FloatVector signed = (FloatVector) bytes.convertShape(VectorOperators.B2F, SPECIES, 0);
        // Bytes convert as signed: cells 128..255 come back negative.
        return signed.add(256f, signed.compare(VectorOperators.LT, 0f));
    }

    /** Per lane, the first maximum under strict {@code >} of a window of real cells (see {@link ScalarMaxPool2d#argmax}). */
    private static FloatVector windowMax(float[] input, int first, int rows, int cols, int rowStride, int pixelStride) {
        // Starting from the first cell and comparing it with itself keeps the loop free of a peeled step.
        FloatVector best = FloatVector.fromArray(SPECIES, input, first);
        for (int i = 0; i < rows; i++) {
            for (int j = 0, cell = first + i * rowStride; j < cols; j++, cell += pixelStride) {
                FloatVector v = FloatVector.fromArray(SPECIES, input, cell);
                best = best.blend(v, v.compare(VectorOperators.GT, best));
            }
        }
        return best;
    }

    /**
     * Sends one vector of window gradients to the window's first maxima. The first cell that equals
     * the maximum is the cell the strict-{@code >} scan chose: no earlier cell can equal it, or the
     * scan would have stopped there (float {@code ==} and {@code >} agree on -0.0 == 0.0). The one case
     * {@code ==} misses is a NaN maximum, which is only ever the window's first cell.
     */
    private static void windowGradient(float[] input, int first, int rows, int cols, int rowStride, int pixelStride,
                                       float[] outputGrad, int o, float[] inputGrad, boolean accumulate) {
        FloatVector best = windowMax(input, first, rows, cols, rowStride, pixelStride);
        FloatVector gradient = FloatVector.fromArray(SPECIES, outputGrad, o);
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector v0 = FloatVector.fromArray(SPECIES, input, first);
        VectorMask<Float> taken = v0.compare(VectorOperators.EQ, best).or(v0.test(VectorOperators.IS_NAN));
        // 0 + g rather than g, so a -0.0 gradient lands as the scalar reference's 0f += -0.0 does.
        (accumulate ? FloatVector.fromArray(SPECIES, inputGrad, first) : zero).add(gradient, taken)
                .intoArray(inputGrad, first);
        for (int i = 0; i < rows; i++) {
            for (int j = i == 0 ? 1 : 0, cell = first + i * rowStride + j * pixelStride; j < cols; j++, cell += pixelStride) {
                FloatVector v = FloatVector.fromArray(SPECIES, input, cell);
                VectorMask<Float> hit = v.compare(VectorOperators.EQ, best).andNot(taken);
                taken = taken.or(hit);
                (accumulate ? FloatVector.fromArray(SPECIES, inputGrad, cell) : zero).add(gradient, hit)
                        .intoArray(inputGrad, cell);
            }
        }
    }

    /**
     * {@link #windowMax} for a full 2x2 window, the common pooling layer, unrolled: the generic loop
     * nest spends more on loop control than on its four compares.
     */
    private static FloatVector windowMax2x2(float[] input, int first, int rowStride, int pixelStride) {
        FloatVector best = FloatVector.fromArray(SPECIES, input, first);
        FloatVector v = FloatVector.fromArray(SPECIES, input, first + pixelStride);
        best = best.blend(v, v.compare(VectorOperators.GT, best));
        v = FloatVector.fromArray(SPECIES, input, first + rowStride);
        best = best.blend(v, v.compare(VectorOperators.GT, best));
        v = FloatVector.fromArray(SPECIES, input, first + rowStride + pixelStride);
        return best.blend(v, v.compare(VectorOperators.GT, best));
    }

    /**
     * {@link #windowGradient} for a full 2x2 window whose cells belong to no other window, unrolled, and
     * without the second scan: the cell that wins is the last one whose strict {@code >} compare
     * replaced the running maximum, so walking the cells backwards, each takes the gradient in the
     * lanes its compare won and passes the rest on; the first cell keeps what is left.
     */
    private static void windowGradient2x2(float[] input, int first, int rowStride, int pixelStride,
                                          float[] outputGrad, int o, float[] inputGrad) {
        int c1 = first + pixelStride, c2 = first + rowStride, c3 = c2 + pixelStride;
        FloatVector v0 = FloatVector.fromArray(SPECIES, input, first);
        FloatVector v1 = FloatVector.fromArray(SPECIES, input, c1);
        FloatVector v2 = FloatVector.fromArray(SPECIES, input, c2);
        FloatVector v3 = FloatVector.fromArray(SPECIES, input, c3);
        VectorMask<Float> won1 = v1.compare(VectorOperators.GT, v0);
        FloatVector best = v0.blend(v1, won1);
        VectorMask<Float> won2 = v2.compare(VectorOperators.GT, best);
        best = best.blend(v2, won2);
        VectorMask<Float> won3 = v3.compare(VectorOperators.GT, best);
        FloatVector zero = FloatVector.zero(SPECIES);
        // 0 + g rather than g, so a -0.0 gradient lands as the scalar reference's 0f += -0.0 does.
        FloatVector left = zero.add(FloatVector.fromArray(SPECIES, outputGrad, o));
        zero.blend(left, won3).intoArray(inputGrad, c3);
        left = left.blend(zero, won3);
        zero.blend(left, won2).intoArray(inputGrad, c2);
        left = left.blend(zero, won2);
        zero.blend(left, won1).intoArray(inputGrad, c1);
        left.blend(zero, won1).intoArray(inputGrad, first);
    }
}
