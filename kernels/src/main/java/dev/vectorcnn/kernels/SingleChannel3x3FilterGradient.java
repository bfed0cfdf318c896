package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The filter and bias gradients of a 3x3 convolution over one input channel with two vectors of output
 * channels, such as MNIST conv1 (32 channels at 512 bits), read straight from the zero-padded input rows:
 * the nine taps of a pixel's window are nine broadcasts from three rows, and the 9 x 2 vectors of sums,
 * the bias's two and the masked output gradient stay in registers while the pixels run.
 *
 * <p>The general path ({@code VectorConv2d.backwardFilter}) first masks each block of the output
 * gradient in place, then copies the block's patches transposed and runs 12 x 2 tiles over them, of
 * which a 9-tap layer fills 9 rows. Measured on a training step of the tutorial's network, this layer's
 * filter gradient took 5.5% of the time on 1 thread and 13% on 2 (the step with and without it), most
 * of it memory traffic: the masked gradient written back (10 MB for a batch of 100) and its patch copies.
 * Here the mask is applied in registers and, when the caller does not need the masked gradient (a first
 * layer, {@link Conv2d#backwardFilterOnly}), never stored. AMD host, JMH, 4 interleaved rounds, against
 * the general path: this layer's filter gradient 1.68x on 1 and 2 threads, the training step 1.06x.
 *
 * <p>The sums run in the general path's order, so the bits are the same: blocks and groups are the
 * general path's ({@code filterGradBlockRows}, {@code blocksPerGroup}); within a block each tap's sums
 * start at zero and run over the block's pixels in order, then are added to the group's partial, as the
 * 12 x 2 tile and its write-back do; the bias sums continue the group's partial pixel by pixel, as
 * {@code sumRows} does. Padded cells are multiplied like any other, as in the general path's patches.
 *
 * <p>At 512 bits only: its 23 live vectors do not fit AVX2's 16 registers, and it was measured at 512
 * bits alone.
 */
final class SingleChannel3x3FilterGradient {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;
    private static final int TAPS = 9;

    private SingleChannel3x3FilterGradient() {
    }

    /** Whether this path computes {@code s}'s filter gradient: 3x3 filters over one input channel, two vectors of output channels, 512 bits. */
    static boolean fits(Conv2dShape s) {
        return SPECIES.vectorBitSize() == 512 && s.inChannels() == 1 && s.filterHeight() == 3 && s.filterWidth() == 3
                && s.outChannels() == 2 * SPECIES.length();
    }

    /**
     * The filter gradient (and bias gradient when {@code biasGrad} is not null) through the ReLU whose
     * output is {@code reluOutput} (none when null); the masked gradient is written back to
     * {@code outputGrad} when {@code storeMasked}, else {@code outputGrad} is only read.
     */
    static void backward(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad, float[] biasGrad,
                         float[] reluOutput, boolean storeMasked, boolean parallel) {
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int m = s.outputPixels();
        int blockRows = VectorConv2d.filterGradBlockRows(s);
        int blocks = Math.ceilDiv(m, blockRows);
        int blocksPerGroup = VectorConv2d.blocksPerGroup(s, blocks);
        int groups = Math.ceilDiv(blocks, blocksPerGroup);
        int filterLength = TAPS * oc;
        int partialLength = filterLength + oc;
        int paddedRow = VectorConv2d.paddedRowFloats(s);
        int paddedLength = VectorConv2d.paddedInputRowsFloats(s);
        float[] partials = VectorConv2d.scratch().partials(VectorConv2d.partialFloats(s));
        VectorConv2d.forChunks(parallel, groups, group -> {
            VectorConv2d.Scratch scratch = VectorConv2d.scratch();
            float[] padded = scratch.paddedInputRows(paddedLength);
            int[] windows = scratch.offsets(blockRows);
            int partial = group * partialLength;
            int firstBlock = group * blocksPerGroup;
            int endBlock = Math.min(blocks, firstBlock + blocksPerGroup);
            for (int block = firstBlock; block < endBlock; block++) {
                int first = block * blockRows;
                int rows = Math.min(blockRows, m - first);
                VectorConv2d.padBlockRows(s, input, first / outWidth, rows / outWidth, paddedRow, padded, windows);
                addBlock(rows, padded, paddedRow, windows, outputGrad, first * oc, reluOutput, storeMasked, partials,
                        partial, biasGrad == null ? -1 : partial + filterLength, block != firstBlock);
            }
        });
        VectorConv2d.combine(partials, groups, partialLength, 0, filterGrad, filterLength);
        if (biasGrad != null) {
            VectorConv2d.combine(partials, groups, partialLength, filterLength, biasGrad, oc);
        }
    }

    /**
     * One block of {@code pixels} output pixels, pixel p's window starting at {@code padded[windows[p]]}
     * and its gradient at {@code grad[gradIndex + p * 2 * lanes]}: adds the block's sums, computed from
     * zero, to {@code partials[filterIndex..]} (tap t's row at {@code filterIndex + t * 2 * lanes}), or writes
     * them there for the group's first block ({@code accumulate} false); the bias sums (none when
     * {@code biasIndex < 0}) continue {@code partials[biasIndex..]}, or start at zero for the first block.
     */
    private static void addBlock(int pixels, float[] padded, int paddedRow, int[] windows, float[] grad,
                                 int gradIndex, float[] reluOutput, boolean storeMasked, float[] partials,
                                 int filterIndex, int biasIndex, boolean accumulate) {
        final int lanes = SPECIES.length();
        final int row1 = paddedRow;
        final int row2 = 2 * paddedRow;
        final FloatVector zero = FloatVector.zero(SPECIES);
        final FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero;
        FloatVector s30 = zero, s31 = zero, s40 = zero, s41 = zero, s50 = zero, s51 = zero;
        FloatVector s60 = zero, s61 = zero, s70 = zero, s71 = zero, s80 = zero, s81 = zero;
        boolean bias = biasIndex >= 0;
        FloatVector bias0 = bias && accumulate ? FloatVector.fromArray(SPECIES, partials, biasIndex) : zero;
        FloatVector bias1 = bias && accumulate ? FloatVector.fromArray(SPECIES, partials, biasIndex + lanes) : zero;
        for (int p = 0, g = gradIndex; p < pixels; p++, g += 2 * lanes) {
            FloatVector dy0 = FloatVector.fromArray(SPECIES, grad, g);
            FloatVector dy1 = FloatVector.fromArray(SPECIES, grad, g + lanes);
            if (reluOutput != null) {
                // Relu.backward's arithmetic: multiplied by a 1/0 mask, so NaN and -0.0 come out as there.
                dy0 = dy0.mul(zero.blend(one, FloatVector.fromArray(SPECIES, reluOutput, g).compare(VectorOperators.GT, 0f)));
                dy1 = dy1.mul(zero.blend(one, FloatVector.fromArray(SPECIES, reluOutput, g + lanes).compare(VectorOperators.GT, 0f)));
                if (storeMasked) {
                    dy0.intoArray(grad, g);
                    dy1.intoArray(grad, g + lanes);
                }
            }
            // Summed with or without a bias (then not stored): two adds a pixel.
            bias0 = bias0.add(dy0);
            bias1 = bias1.add(dy1);
            final int w = windows[p];
            FloatVector a;
            a = FloatVector.broadcast(SPECIES, padded[w]);
            s00 = a.fma(dy0, s00); s01 = a.fma(dy1, s01);
            a = FloatVector.broadcast(SPECIES, padded[w + 1]);
            s10 = a.fma(dy0, s10); s11 = a.fma(dy1, s11);
            a = FloatVector.broadcast(SPECIES, padded[w + 2]);
            s20 = a.fma(dy0, s20); s21 = a.fma(dy1, s21);
            a = FloatVector.broadcast(SPECIES, padded[w + row1]);
            s30 = a.fma(dy0, s30); s31 = a.fma(dy1, s31);
            a = FloatVector.broadcast(SPECIES, padded[w + row1 + 1]);
            s40 = a.fma(dy0, s40); s41 = a.fma(dy1, s41);
            a = FloatVector.broadcast(SPECIES, padded[w + row1 + 2]);
            s50 = a.fma(dy0, s50); s51 = a.fma(dy1, s51);
            a = FloatVector.broadcast(SPECIES, padded[w + row2]);
            s60 = a.fma(dy0, s60); s61 = a.fma(dy1, s61);
            a = FloatVector.broadcast(SPECIES, padded[w + row2 + 1]);
            s70 = a.fma(dy0, s70); s71 = a.fma(dy1, s71);
            a = FloatVector.broadcast(SPECIES, padded[w + row2 + 2]);
            s80 = a.fma(dy0, s80); s81 = a.fma(dy1, s81);
        }
        if (bias) {
            bias0.intoArray(partials, biasIndex);
            bias1.intoArray(partials, biasIndex + lanes);
        }
        // Written out rather than through a helper taking vectors: C2 did not inline it and boxed them.
        // Each sum is added to the group's partial, or for the group's first block to +0.0, as the general
        // path's write-back adds its zero bias: an underflowing negative product leaves -0.0 in a sum that
        // starts at zero, which must come out +0.0 as there.
        int c = filterIndex;
        s00.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c) : zero).intoArray(partials, c);
        s01.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + lanes) : zero).intoArray(partials, c + lanes);
        s10.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 2 * lanes) : zero).intoArray(partials, c + 2 * lanes);
        s11.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 3 * lanes) : zero).intoArray(partials, c + 3 * lanes);
        s20.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 4 * lanes) : zero).intoArray(partials, c + 4 * lanes);
        s21.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 5 * lanes) : zero).intoArray(partials, c + 5 * lanes);
        s30.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 6 * lanes) : zero).intoArray(partials, c + 6 * lanes);
        s31.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 7 * lanes) : zero).intoArray(partials, c + 7 * lanes);
        s40.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 8 * lanes) : zero).intoArray(partials, c + 8 * lanes);
        s41.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 9 * lanes) : zero).intoArray(partials, c + 9 * lanes);
        s50.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 10 * lanes) : zero).intoArray(partials, c + 10 * lanes);
        s51.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 11 * lanes) : zero).intoArray(partials, c + 11 * lanes);
        s60.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 12 * lanes) : zero).intoArray(partials, c + 12 * lanes);
        s61.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 13 * lanes) : zero).intoArray(partials, c + 13 * lanes);
        s70.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 14 * lanes) : zero).intoArray(partials, c + 14 * lanes);
        s71.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 15 * lanes) : zero).intoArray(partials, c + 15 * lanes);
        s80.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 16 * lanes) : zero).intoArray(partials, c + 16 * lanes);
        s81.add(accumulate ? FloatVector.fromArray(SPECIES, partials, c + 17 * lanes) : zero).intoArray(partials, c + 17 * lanes);
    }
}
