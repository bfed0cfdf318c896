package dev.vectorcnn.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The filter gradient of layers with few output channels, output pixels in the vector lanes:
 * {@code filterGrad[tap, channel] = sum over pixels of patch[pixel, tap] * outputGrad[pixel, channel]},
 * each vector of lanes summing its own pixels, by {@link PixelLanesFilterMicroKernel}. The usual
 * filter gradient puts output channels in the lanes, where two channels filled 2 of 32 columns (3% of the
 * FMA peak measured on such layers; 2 of 16 on the 12 x 1 tile added since); here the lanes hold pixels
 * of an output row and a tile holds 12 taps x 2 channels or 4 taps x 6 channels. {@link #fits} says when
 * this path is the faster.
 *
 * <p>Work runs in blocks of whole output rows, split into groups whose bounds depend only on the shape,
 * as in {@code VectorConv2d.backwardFilter}: a block copies the input rows its windows cover into
 * {@link PlanarRows} and its output gradient transposed, channel by channel, each output row zero-padded
 * to whole vectors; each tile of taps and channels then runs over the block's pixels and adds its vectors
 * of sums to the group's, one vector per tap and channel, whose lanes are added in order when the group
 * ends. The groups' partials are added in group order, so results do not depend on the thread count.
 */
final class PixelLanesFilterGradient {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Output pixels a block aims at (see {@link PlanarRows#outputRowsFor}). */
    private static final int BLOCK_PIXELS = 4096;

    /** Channels of the 2-channel tile, used for up to 2 output channels. */
    private static final int NARROW_TILE_CHANNELS = 2;

    /** Channels of the wider tile, the most this path takes. */
    private static final int WIDE_TILE_CHANNELS = 6;

    private PixelLanesFilterGradient() {
    }

    /**
     * Whether this path is the faster: output rows fill at least three quarters of the vectors they take,
     * and the output channels fill a tile's channel slots at least four times as well as the usual path's
     * columns, which waste no loads: at 512 bits up to 6 channels on rows of 12 to 16, 24 to 32 or at
     * least 36 pixels; at 256 and 128 bits up to 2 channels. Measured on the AMD host, 1 thread,
     * GFLOP/s, the usual path against this one: the tutorial photo's 2 channels 3.9 against 36.4;
     * 4 channels (3x3 from 16 on 64x64) 11.9 against 20.8, on 14-pixel rows 11.3 against 12.8, but on
     * 10-pixel rows 11.6 against 10.0; 12 channels on 64x64 32.2 against 31.8, and 10 on 14-pixel rows 31.3
     * against 18.3, which therefore stay. "The usual path's columns" are the 12 x 2 tile's, as measured; the
     * 12 x 1 tile added since for at most lanes channels is faster there, but not than this path: 4
     * channels on 64x64 16.7 against 27.5, 6 channels on 14-pixel rows 9.7 against 19.7, 6 channels from
     * 3 on 64x64 7.9 against 30.8.
     */
    static boolean fits(Conv2dShape s) {
        int oc = s.outChannels();
        if (oc > WIDE_TILE_CHANNELS) {
            return false;
        }
        int lanes = SPECIES.length();
        if (4 * s.outWidth() < 3 * Math.ceilDiv(s.outWidth(), lanes) * lanes) {
            return false;
        }
        int paddedColumns = Math.ceilDiv(oc, MicroKernelTile.TWELVE_BY_TWO.columns) * MicroKernelTile.TWELVE_BY_TWO.columns;
        return paddedColumns >= 4 * channelsPerTile(oc);
    }

    /**
     * The filter gradient (and bias gradient when {@code biasGrad} is not null); with {@code reluOutput},
     * each block of {@code outputGrad} is masked in place first.
     */
    static void backward(Conv2dShape s, float[] input, float[] outputGrad, float[] filterGrad, float[] biasGrad,
                         float[] reluOutput, boolean parallel) {
        int k = s.patchLength();
        int oc = s.outChannels();
        int outWidth = s.outWidth();
        int outRows = s.batch() * s.outHeight();
        int lanes = SPECIES.length();
        int pitch = pitch(s);
        int taps = tapsPerTile(oc);
        int channels = channelsPerTile(oc);
        int rowsPerBlock = rowsPerBlock(s);
        int blocks = Math.ceilDiv(outRows, rowsPerBlock);
        int blocksPerGroup = VectorConv2d.blocksPerGroup(s, blocks);
        int groups = Math.ceilDiv(blocks, blocksPerGroup);
        int filterLength = k * oc;
        int partialLength = filterLength + oc;
        float[] partials = VectorConv2d.scratch().partials(VectorConv2d.partialFloats(s));
        PlanarRows planar = planar(s);
        int planarFloats = planar.floats(rowsPerBlock);
        int gradientFloats = gradientFloats(s);
        int laneSumsFloats = laneSumsFloats(s);
        int tapTableLength = tapTableLength(s);
        int biasSums = tapTableLength * channels * lanes;
        // The calling thread's table, which the groups only read. The last tile's missing taps read tap 0
        // again; their sums are dropped.
        int[] tapOffsets = VectorConv2d.scratch().tapOffsets(tapTableLength);
        planar.tapOffsets(tapOffsets, 0, s.filterHeight());
        Arrays.fill(tapOffsets, k, tapTableLength, tapOffsets[0]);
        VectorConv2d.forChunks(parallel, groups, group -> {
            VectorConv2d.Scratch scratch = VectorConv2d.scratch();
            float[] rows = scratch.paddedInputRows(planarFloats);
            float[] grad = scratch.patches(gradientFloats);
            int[] rowStarts = scratch.offsets(rowsPerBlock);
            int[] gradRows = scratch.aRows;
            float[] sums = scratch.laneSums(laneSumsFloats);
            Arrays.fill(sums, 0, laneSumsFloats, 0f);
            int partial = group * partialLength;
            int firstBlock = group * blocksPerGroup;
            int endBlock = Math.min(blocks, firstBlock + blocksPerGroup);
            for (int block = firstBlock; block < endBlock; block++) {
                int firstRow = block * rowsPerBlock;
                int blockRows = Math.min(rowsPerBlock, outRows - firstRow);
                int first = firstRow * outWidth;
                int pixels = blockRows * outWidth;
                if (reluOutput != null) {
                    VectorRelu.backward(reluOutput, outputGrad, outputGrad, first * oc, (first + pixels) * oc);
                }
                boolean finite = planar.copyCheckingFinite(input, firstRow, blockRows, rows, rowStarts);
                int channelStride = blockRows * pitch;
                transposeGradient(outputGrad, first, blockRows, outWidth, oc, pitch, channelStride, grad);
                if (biasGrad != null) {
                    addRowSums(grad, channelStride, oc, sums, biasSums);
                }
                if (!finite) {
                    addExactly(s, rows, rowStarts, blockRows, tapOffsets, grad, channelStride, pitch, sums);
                    continue;
                }
                for (int j = 0; j < channels; j++) {
                    // Slots past the last channel read channel 0 again; their sums are dropped.
                    gradRows[j] = (j < oc ? j : 0) * channelStride;
                }
                for (int t0 = 0; t0 < k; t0 += taps) {
                    if (channels == NARROW_TILE_CHANNELS) {
                        PixelLanesFilterMicroKernel.twelveTapsTwoChannels(rows, rowStarts, blockRows, pitch / lanes,
                                tapOffsets, t0, grad, gradRows, pitch, scratch.tile);
                    } else {
                        PixelLanesFilterMicroKernel.fourTapsSixChannels(rows, rowStarts, blockRows, pitch / lanes,
                                tapOffsets, t0, grad, gradRows, pitch, scratch.tile);
                    }
                    addTo(sums, t0 * channels * lanes, scratch.tile, taps * channels * lanes);
                }
            }
            for (int t = 0; t < k; t++) {
                for (int c = 0; c < oc; c++) {
                    partials[partial + t * oc + c] = laneSum(sums, (t * channels + c) * lanes, lanes);
                }
            }
            for (int c = 0; c < oc; c++) {
                partials[partial + filterLength + c] = laneSum(sums, biasSums + c * lanes, lanes);
            }
        });
        VectorConv2d.combine(partials, groups, partialLength, 0, filterGrad, filterLength);
        if (biasGrad != null) {
            VectorConv2d.combine(partials, groups, partialLength, filterLength, biasGrad, oc);
        }
    }

    /** Output rows per block, each with one row start in the offsets table. */
    static int rowsPerBlock(Conv2dShape s) {
        return planar(s).outputRowsFor(BLOCK_PIXELS);
    }

    /** Floats of a block's planar input rows. */
    static int planarFloats(Conv2dShape s) {
        return planar(s).floats(rowsPerBlock(s));
    }

    /** Floats of a block's transposed output gradient: a row of {@link #pitch} floats per channel and output row. */
    static int gradientFloats(Conv2dShape s) {
        return Checks.product("convolution transposed output gradient", rowsPerBlock(s), pitch(s), s.outChannels());
    }

    /**
     * Floats of a group's vectors of sums: one vector per tap and channel slot of every tile, then one per
     * channel slot for the bias gradient.
     */
    static int laneSumsFloats(Conv2dShape s) {
        return Checks.product("convolution filter-gradient lane sums", (long) tapTableLength(s) + 1,
                channelsPerTile(s.outChannels()), SPECIES.length());
    }

    /** Entries of the tap-offset table: K rounded up to whole tiles of taps. */
    static int tapTableLength(Conv2dShape s) {
        int taps = tapsPerTile(s.outChannels());
        return Checks.product("convolution tap table", Math.ceilDiv(s.patchLength(), taps), taps);
    }

    private static PlanarRows planar(Conv2dShape s) {
        // A row's last vector reads up to pitch - OW floats past its last pixel's window.
        return new PlanarRows(s, pitch(s) - s.outWidth());
    }

    /** An output row's gradient floats per channel: whole vectors. */
    private static int pitch(Conv2dShape s) {
        return Math.ceilDiv(s.outWidth(), SPECIES.length()) * SPECIES.length();
    }

    private static int tapsPerTile(int oc) {
        return oc <= NARROW_TILE_CHANNELS ? PixelLanesFilterMicroKernel.TAPS_OF_TWO
                : PixelLanesFilterMicroKernel.TAPS_OF_SIX;
    }

    private static int channelsPerTile(int oc) {
        return oc <= NARROW_TILE_CHANNELS ? NARROW_TILE_CHANNELS : WIDE_TILE_CHANNELS;
    }

    /**
     * {@code grad[c * channelStride + g * pitch + x] = outputGrad[(first + g * outWidth + x) * oc + c]}
     * for the block's {@code outRows} output rows, zeros from x = outWidth to the pitch.
     */
    private static void transposeGradient(float[] outputGrad, int first, int outRows, int outWidth, int oc, int pitch,
                                          int channelStride, float[] grad) {
        for (int c = 0; c < oc; c++) {
            for (int g = 0; g < outRows; g++) {
                int row = c * channelStride + g * pitch;
                if (oc == 1) {
                    PatchRows.copy(outputGrad, first + g * outWidth, grad, row, outWidth);
                } else {
                    for (int x = 0, at = (first + g * outWidth) * oc + c; x < outWidth; x++, at += oc) {
                        grad[row + x] = outputGrad[at];
                    }
                }
                Arrays.fill(grad, row + outWidth, row + pitch, 0f);
            }
        }
    }

    /**
     * A block whose input holds an infinity or NaN: the vectors of a row's last pixels would multiply the
     * values past the row's end by the gradient's zero padding, and {@code 0 * infinity} is NaN. Its sums
     * are taken here over the real pixels only, in order, and added to lane 0 of each tap and channel's
     * vector.
     */
    private static void addExactly(Conv2dShape s, float[] rows, int[] rowStarts, int outRows, int[] tapOffsets,
                                   float[] grad, int channelStride, int pitch, float[] sums) {
        int oc = s.outChannels();
        int channels = channelsPerTile(oc);
        int lanes = SPECIES.length();
        for (int t = 0; t < s.patchLength(); t++) {
            for (int c = 0; c < oc; c++) {
                float sum = 0f;
                for (int g = 0; g < outRows; g++) {
                    int row = rowStarts[g] + tapOffsets[t];
                    int gradRow = c * channelStride + g * pitch;
                    for (int x = 0; x < s.outWidth(); x++) {
                        sum += rows[row + x] * grad[gradRow + x];
                    }
                }
                sums[(t * channels + c) * lanes] += sum;
            }
        }
    }

    /**
     * The bias gradient's share of a block: channel c's gradient rows (zero-padded to whole vectors) added
     * lane by lane to the vector at {@code sums[sumsIndex + c * lanes]}.
     */
    private static void addRowSums(float[] grad, int channelStride, int oc, float[] sums, int sumsIndex) {
        int lanes = SPECIES.length();
        for (int c = 0; c < oc; c++) {
            FloatVector sum = FloatVector.fromArray(SPECIES, sums, sumsIndex + c * lanes);
            for (int i = c * channelStride, end = i + channelStride; i < end; i += lanes) {
                sum = sum.add(FloatVector.fromArray(SPECIES, grad, i));
            }
            sum.intoArray(sums, sumsIndex + c * lanes);
        }
    }

    /** {@code sums[sumsIndex + i] += tile[i]} for {@code i < length}, a whole number of vectors. */
    private static void addTo(float[] sums, int sumsIndex, float[] tile, int length) {
        for (int i = 0; i < length; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, sums, sumsIndex + i).add(FloatVector.fromArray(SPECIES, tile, i))
                    .intoArray(sums, sumsIndex + i);
        }
    }

    /** The lanes of one stored vector added in lane order. */
    private static float laneSum(float[] sums, int index, int lanes) {
        float sum = sums[index];
        for (int l = 1; l < lanes; l++) {
            sum += sums[index + l];
        }
        return sum;
    }
}
