package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass of a 3x3 convolution over one input channel with two vectors of output channels,
 * such as MNIST conv1 (32 channels at 512 bits), with the whole filter in registers: its 9 x 2 vectors
 * and the bias's two are loaded once per chunk of output rows, and each output pixel is nine
 * broadcasts from the zero-padded input rows, 18 multiply-adds and two stores.
 *
 * <p>The general path for this layer ({@code VectorConv2d.forwardRowsInPlace}) runs tiles of 14 pixels
 * ({@link ConvTnMicroKernel14x2}) whose 28 accumulators leave no register for the filter: each of the
 * nine depth steps loads two filter vectors, one accumulator lives on the stack, and a tile's nine steps
 * are too few to hide its 28 accumulator initialisations and write-backs. Here the accumulators are only
 * a pixel's two.
 *
 * <p>The sums run in the general path's order, so the bits are the same: each starts at the bias (zero
 * when there is none) and adds the taps row by row ({@code t = 3 * kh + kw}) by fused multiply-add;
 * the ReLU is a max with 0 on the way out, by a compare and a blend ({@link VectorRelu} says why), with
 * negative infinity when there is none, which leaves every value, NaN and -0.0 included, as it is.
 * Padded cells are multiplied like any other.
 *
 * <p>At 512 bits only, as {@link SingleChannel3x3FilterGradient}: its 24 live vectors (the filter's 18,
 * the bias's 2, the floor, a pixel's 2 sums and a broadcast) do not fit AVX2's 16 registers.
 */
final class SingleChannel3x3Forward {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private SingleChannel3x3Forward() {
    }

    /**
     * Whether this path computes {@code s}'s forward: 3x3 filters over one input channel, two vectors of
     * output channels, 512 bits.
     */
    static boolean fits(Conv2dShape s) {
        return SPECIES.vectorBitSize() == 512 && s.inChannels() == 1 && s.filterHeight() == 3 && s.filterWidth() == 3
                && s.outChannels() == 2 * SPECIES.length();
    }

    /**
     * {@code output = max(conv(input, filter) + bias, 0 if relu)}; {@code bias} may be null. Work is split
     * in chunks of output rows ({@code VectorConv2d.forwardRowsPerChunk}), each padding its input rows
     * once ({@code VectorConv2d.padBlockRows}).
     */
    static void forward(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu, float[] output,
                        boolean parallel) {
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int outRows = s.batch() * s.outHeight();
        int rowsPerChunk = VectorConv2d.forwardRowsPerChunk(s);
        int chunks = Math.ceilDiv(outRows, rowsPerChunk);
        int paddedRow = VectorConv2d.paddedRowFloats(s);
        int paddedLength = VectorConv2d.paddedInputRowsFloats(s);
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        VectorConv2d.forChunks(parallel, chunks, chunk -> {
            VectorConv2d.Scratch scratch = VectorConv2d.scratch();
            float[] padded = scratch.paddedInputRows(paddedLength);
            int firstRow = chunk * rowsPerChunk;
            int rows = Math.min(outRows - firstRow, rowsPerChunk);
            int[] windows = scratch.offsets(rows * outWidth);
            VectorConv2d.padBlockRows(s, input, firstRow, rows, paddedRow, padded, windows);
            computePixels(rows * outWidth, padded, paddedRow, windows, filter, bias, floor, output,
                    firstRow * outWidth * oc);
        });
    }

    /**
     * {@code pixels} output pixels, pixel p's window starting at {@code padded[windows[p]]} and its
     * output channels at {@code output[outputIndex + p * 2 * lanes]}.
     */
    private static void computePixels(int pixels, float[] padded, int paddedRow, int[] windows, float[] filter,
                                      float[] bias, float floor, float[] output, int outputIndex) {
        final int lanes = SPECIES.length();
        final int row1 = paddedRow;
        final int row2 = 2 * paddedRow;
        // HWIO with one input channel: tap t's output channels are filter[t * 2 * lanes ..].
        final FloatVector f00 = FloatVector.fromArray(SPECIES, filter, 0);
        final FloatVector f01 = FloatVector.fromArray(SPECIES, filter, lanes);
        final FloatVector f10 = FloatVector.fromArray(SPECIES, filter, 2 * lanes);
        final FloatVector f11 = FloatVector.fromArray(SPECIES, filter, 3 * lanes);
        final FloatVector f20 = FloatVector.fromArray(SPECIES, filter, 4 * lanes);
        final FloatVector f21 = FloatVector.fromArray(SPECIES, filter, 5 * lanes);
        final FloatVector f30 = FloatVector.fromArray(SPECIES, filter, 6 * lanes);
        final FloatVector f31 = FloatVector.fromArray(SPECIES, filter, 7 * lanes);
        final FloatVector f40 = FloatVector.fromArray(SPECIES, filter, 8 * lanes);
        final FloatVector f41 = FloatVector.fromArray(SPECIES, filter, 9 * lanes);
        final FloatVector f50 = FloatVector.fromArray(SPECIES, filter, 10 * lanes);
        final FloatVector f51 = FloatVector.fromArray(SPECIES, filter, 11 * lanes);
        final FloatVector f60 = FloatVector.fromArray(SPECIES, filter, 12 * lanes);
        final FloatVector f61 = FloatVector.fromArray(SPECIES, filter, 13 * lanes);
        final FloatVector f70 = FloatVector.fromArray(SPECIES, filter, 14 * lanes);
        final FloatVector f71 = FloatVector.fromArray(SPECIES, filter, 15 * lanes);
        final FloatVector f80 = FloatVector.fromArray(SPECIES, filter, 16 * lanes);
        final FloatVector f81 = FloatVector.fromArray(SPECIES, filter, 17 * lanes);
        final FloatVector floorVector = FloatVector.broadcast(SPECIES, floor);
        final FloatVector bias0 = bias == null ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, bias, 0);
        final FloatVector bias1 = bias == null ? FloatVector.zero(SPECIES)
                : FloatVector.fromArray(SPECIES, bias, lanes);
        for (int p = 0, o = outputIndex; p < pixels; p++, o += 2 * lanes) {
            final int w = windows[p];
            FloatVector a;
            FloatVector c0;
            FloatVector c1;
            a = FloatVector.broadcast(SPECIES, padded[w]);
            c0 = a.fma(f00, bias0); c1 = a.fma(f01, bias1);
            a = FloatVector.broadcast(SPECIES, padded[w + 1]);
            c0 = a.fma(f10, c0); c1 = a.fma(f11, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + 2]);
            c0 = a.fma(f20, c0); c1 = a.fma(f21, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + row1]);
            c0 = a.fma(f30, c0); c1 = a.fma(f31, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + row1 + 1]);
            c0 = a.fma(f40, c0); c1 = a.fma(f41, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + row1 + 2]);
            c0 = a.fma(f50, c0); c1 = a.fma(f51, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + row2]);
            c0 = a.fma(f60, c0); c1 = a.fma(f61, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + row2 + 1]);
            c0 = a.fma(f70, c0); c1 = a.fma(f71, c1);
            a = FloatVector.broadcast(SPECIES, padded[w + row2 + 2]);
            c0 = a.fma(f80, c0); c1 = a.fma(f81, c1);
            c0.blend(floorVector, c0.compare(VectorOperators.LE, floorVector)).intoArray(output, o);
            c1.blend(floorVector, c1.compare(VectorOperators.LE, floorVector)).intoArray(output, o + lanes);
        }
    }
}
