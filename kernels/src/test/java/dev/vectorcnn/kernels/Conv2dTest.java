package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.Conv2dTestData.abs;
import static dev.vectorcnn.kernels.Conv2dTestData.shape;
import static dev.vectorcnn.kernels.Conv2dTestData.twoSumBound;
import static dev.vectorcnn.kernels.Conv2dTestData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv2d} (the dispatching entry: the Vector API path, or the scalar one when the suite runs
 * without the incubator module) against the direct loops of {@link ScalarConv2d}, forward and both
 * backwards, over named edge cases and random shapes.
 *
 * <p>Tolerance: both sides sum the same products in different orders, so each element differs by at
 * most {@code 2 * gamma_n * sum|products|} (n = number of products, gamma_n ~ n * 2^-24); the sum of
 * absolute products is computed by running the reference on |operands|.
 */
class Conv2dTest {

    private static final Padding[] PADDINGS = Padding.values();

    private final Random random = new Random(20261125L);
    private int checked;

    @Test
    void strides_1_to_3_per_axis() {
        for (Padding padding : PADDINGS) {
            for (int sh = 1; sh <= 3; sh++) {
                for (int sw = 1; sw <= 3; sw++) {
                    check(shape(2, 7, 8, 3, 3, 3, 5, sh, sw, padding), true, false);
                }
            }
        }
        assertEquals(18, checked);
    }

    @Test
    void kernel_sizes_1_to_7() {
        for (Padding padding : PADDINGS) {
            for (int k = 1; k <= 7; k++) {
                check(shape(1, 9, 8, 2, k, k, 3, 1, 1, padding), false, false);
                check(shape(2, 9, 8, 2, k, 8 - k, 3, 2, 1, padding), true, true);
            }
        }
        assertEquals(28, checked);
    }

    @Test
    void filter_larger_than_input_same() {
        check(shape(2, 3, 2, 3, 7, 5, 4, 1, 1, Padding.SAME), true, false);
        check(shape(1, 1, 1, 2, 3, 3, 3, 1, 1, Padding.SAME), true, true);
        check(shape(1, 2, 4, 17, 5, 6, 33, 2, 3, Padding.SAME), false, false);
    }

    @Test
    void stride_gt_kernel() {
        for (Padding padding : PADDINGS) {
            check(shape(2, 10, 11, 3, 2, 2, 4, 3, 3, padding), true, false);
            check(shape(1, 9, 9, 2, 1, 1, 5, 3, 2, padding), false, false);
            check(shape(1, 8, 13, 2, 1, 2, 3, 2, 5, padding), true, true);
        }
    }

    @Test
    void strides_far_above_the_input_size_move_no_window() {
        for (Padding padding : PADDINGS) {
            check(shape(2, 3, 5, 3, 2, 2, 4, 1 << 20, Integer.MAX_VALUE, padding), true, false);
            check(shape(1, 6, 4, 2, 3, 3, 5, 7, 1 << 30, padding), false, true);
            check(shape(1, 9, 8, 17, 3, 2, 33, 46_341, 3, padding), true, true);
        }
        assertEquals(6, checked);
    }

    @Test
    void a_shape_whose_packed_filter_passes_int_indices_runs_on_the_scalar_reference() {
        // 70M input channels into 1: the vector path's scratch (the filter packed into zero-padded panels,
        // the gathered patch rows) passes 2^31 floats at every width.
        Conv2dShape huge = new Conv2dShape(1, 1, 1, 70_000_000, 1, 1, 1, 2, 1, Padding.VALID);
        assertEquals(0L, Conv2d.workspaceFloats(huge));
        assertEquals(KernelBackend.isVectorized(),
                Conv2d.workspaceFloats(shape(1, 1, 1, 7_000_000, 1, 1, 1, 2, 1, Padding.VALID)) > 0);
    }

    @Test
    void odd_and_even_spatial_sizes() {
        for (Padding padding : PADDINGS) {
            for (int h = 4; h <= 7; h++) {
                check(shape(1, h, 11 - h, 2, 3, 3, 4, 2, 2, padding), true, false);
            }
        }
    }

    @Test
    void channels_below_at_and_above_vector_length() {
        int[] sizes = {1, 3, 16, 17, 33, 64};
        for (int c : sizes) {
            for (int oc : sizes) {
                check(shape(1, 5, 4, c, 3, 2, oc, 1, 2, Padding.SAME), oc % 2 == 0, c % 2 == 1);
            }
        }
        assertEquals(36, checked);
    }

    @Test
    void few_channel_layers_apply_bias_and_activation_in_full_tiles_with_and_without_either() {
        // KW*C = 6: the gathered forward path, whose full tiles (12x2 for 32 channels, 6x4 for 64) start
        // at the bias and apply the activation in registers; ragged tiles go through the write-back.
        for (int oc : new int[] {32, 64}) {
            for (boolean withBias : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    check(shape(2, 9, 7, 2, 3, 3, oc, 1, 1, Padding.SAME), withBias, relu);
                }
            }
        }
        assertEquals(8, checked);
    }

    @Test
    void one_channel_stride_1_forward_reads_padded_rows_in_place() {
        // One input channel and horizontal stride 1 with rows at least a tile wide (12 pixels for up to
        // 32 output channels, 6 above): forward reads each filter tap's padded row in place. Widths that
        // are not whole tiles make each row's last tile overlap its neighbour; 7, 33 and 70 channels
        // leave a ragged column panel. With up to 32 channels, rows of 14, 27, 28 and 42 pixels take
        // 14-pixel tiles (ConvTnMicroKernel14x2) under SAME padding, which keeps the width.
        Random random = new Random(11);
        for (int oc : new int[] {7, 32, 33, 64, 70}) {
            for (int width : new int[] {6, 12, 13, 14, 27, 28, 31, 42}) {
                int height = 1 + random.nextInt(9);
                int filterHeight = 1 + random.nextInt(7);
                int filterWidth = 1 + random.nextInt(7);
                boolean fits = filterHeight <= height && filterWidth <= width;
                Padding padding = fits && random.nextBoolean() ? Padding.VALID : Padding.SAME;
                check(shape(2, height, width, 1, filterHeight, filterWidth, oc, 1 + random.nextInt(3), 1, padding),
                        random.nextBoolean(), random.nextBoolean());
            }
        }
        assertEquals(40, checked);
    }

    @Test
    void one_channel_rows_of_whole_14_pixel_tiles_or_close() {
        // Rows of 14, 27, 28 and 42 output pixels take 14-pixel tiles (ConvTnMicroKernel14x2) whenever the
        // output channels fit the 2-vector tile: at most 8, 16 or 32 for 128-, 256- and 512-bit species.
        // 1, 5, 8, 16 and 32 channels give full and ragged column panels at each width.
        Random random = new Random(12);
        for (int oc : new int[] {1, 5, 8, 16, 32}) {
            for (int width : new int[] {14, 27, 28, 42}) {
                int filterSize = 1 + 2 * random.nextInt(4);
                check(shape(2, 3, width, 1, filterSize, filterSize, oc, 1, 1, Padding.SAME), random.nextBoolean(),
                        random.nextBoolean());
            }
        }
        assertEquals(20, checked);
    }

    @Test
    void few_output_channels_put_pixels_in_the_lanes_within_and_across_output_rows() {
        // Few output channels put pixels in the lanes (PixelLanesForward: up to 12 channels at 512 bits,
        // up to 6 on rows of 32 or more pixels at 256). Rows of at least a tile's pixels (64 for up to 6
        // channels, 32 above, at 512 bits) read the planar input rows in place, a row's last tile
        // overlapping its neighbour unless the width is whole tiles, and with 1 to 3 channels stacking
        // output rows; narrower rows of at least 8 pixels (at 512 bits) pack tiles that run on across
        // output rows and images. The filter gradient does too (PixelLanesFilterGradient: up to 6
        // channels at 512 bits, 2 at 256 and 128, on rows that fill three quarters of their vectors).
        // Strides up to 3 split the planar rows into phases, and stride 3 over filters of 1 or 2 rows
        // leaves gaps between the rows a chunk copies.
        Random random = new Random(13);
        int[] widths = {5, 14, 31, 32, 33, 63, 64, 65, 100, 128, 130};
        int inRows = 0;
        int packed = 0;
        int filterGradients = 0;
        for (int oc : new int[] {1, 2, 3, 5, 6, 7, 10, 12}) {
            for (int width : widths) {
                int strideHeight = 1 + random.nextInt(3);
                int strideWidth = 1 + random.nextInt(3);
                int filterHeight = 1 + random.nextInt(7);
                int filterWidth = 1 + random.nextInt(7);
                int channels = new int[] {1, 2, 3, 5}[random.nextInt(4)];
                Conv2dShape s = shape(1 + random.nextInt(3), 1 + random.nextInt(9), width * strideWidth, channels,
                        filterHeight, filterWidth, oc, strideHeight, strideWidth, Padding.SAME);
                if (KernelBackend.isVectorized() && PixelLanesForward.fits(s)) {
                    if (s.outWidth() >= MicroKernelTile.SIX_BY_FOUR.columns) {
                        inRows++;
                    } else if (s.outWidth() < MicroKernelTile.TWELVE_BY_TWO.columns) {
                        packed++;
                    }
                }
                if (KernelBackend.isVectorized() && PixelLanesFilterGradient.fits(s)) {
                    filterGradients++;
                }
                check(s, random.nextBoolean(), random.nextBoolean());
            }
        }
        assertEquals(88, checked);
        if (KernelBackend.isVectorized() && VectorSpeciesChoice.FLOAT.length() >= 8) {
            assertTrue(inRows >= 10, inRows + " shapes read their rows in place");
        }
        if (KernelBackend.isVectorized() && VectorSpeciesChoice.FLOAT.length() >= 16) {
            assertTrue(packed >= 10, packed + " shapes packed their tiles");
        }
        if (KernelBackend.isVectorized()) {
            assertTrue(filterGradients >= 10, filterGradients + " filter gradients put pixels in the lanes");
        }
    }

    @Test
    void one_output_channels_input_gradient_runs_as_a_forward() {
        // With stride 1, SAME padding and odd filters, one output channel's input gradient is the forward of
        // the flipped filter over one input channel: rows read in place where a row holds a tile (12, 14,
        // 29 pixels), gathered where not (5); the pixel-lane forward where it fits (at 512 bits: 1 and 3 input
        // channels on rows of 8 pixels or more); the forward's columns are the layer's input channels, so all
        // three tiles run. Other strides, VALID padding and even filters keep the sub-pixel kernel.
        Random random = new Random(14);
        for (int channels : new int[] {1, 3, 7, 16, 24, 40}) {
            for (int width : new int[] {5, 12, 14, 29}) {
                int filterHeight = 1 + 2 * random.nextInt(4);
                int filterWidth = 3 + 2 * random.nextInt(3);
                Conv2dShape s = shape(1 + random.nextInt(3), 1 + random.nextInt(9), width, channels, filterHeight,
                        filterWidth, 1, 1, 1, Padding.SAME);
                boolean vector = KernelBackend.isVectorized();
                assertTrue(!vector || VectorConv2d.inputGradientAsForward(s) != null, s.toString());
                check(s, random.nextBoolean(), random.nextBoolean());
                Conv2dShape[] others = {
                        shape(2, 9, width, channels, filterHeight, filterWidth, 1, 1, 2, Padding.SAME),
                        shape(2, 9, width + filterWidth - 1, channels, filterHeight, filterWidth, 1, 1, 1,
                                Padding.VALID),
                        shape(2, 9, width, channels, filterHeight + 1, filterWidth, 1, 1, 1, Padding.SAME),
                };
                for (Conv2dShape other : others) {
                    assertTrue(!vector || VectorConv2d.inputGradientAsForward(other) == null, other.toString());
                    check(other, random.nextBoolean(), random.nextBoolean());
                }
            }
        }
        assertEquals(96, checked);
    }

    @Test
    void one_vector_of_output_channels_overlaps_a_rows_last_tile() {
        // The direct forward (filter rows of 48 and 120 floats) on the 12 x 1 tile (one vector of output
        // channels, and one fewer): rows whose last OW mod 12 pixels are at least two thirds of a tile (20, 23,
        // 32 pixels) run a last tile that starts early and overlaps its neighbour; fewer (13, 14, 18, 26) go to
        // the remainder tiles; rows of at most a tile (5, 12) to the remainder tiles or none. Strides 1 and 2.
        Random random = new Random(15);
        int lanes = KernelBackend.isVectorized() ? VectorSpeciesChoice.FLOAT.length() : 16;
        int overlapping = 0;
        for (int width : new int[] {5, 12, 13, 14, 18, 20, 23, 26, 32}) {
            for (int oc : new int[] {lanes - 1, lanes}) {
                int stride = 1 + random.nextInt(2);
                int channels = random.nextBoolean() ? 16 : 40;
                Conv2dShape s = shape(1 + random.nextInt(3), 2 + random.nextInt(6), width * stride, channels, 3, 3, oc,
                        stride, stride, Padding.SAME);
                if (KernelBackend.isVectorized() && !PixelLanesForward.fits(s)
                        && VectorConv2d.overlapsLastTile(s, MicroKernelTile.forColumns(oc))) {
                    overlapping++;
                }
                check(s, random.nextBoolean(), random.nextBoolean());
            }
        }
        assertEquals(18, checked);
        if (KernelBackend.isVectorized()) {
            assertEquals(6, overlapping);
        }
    }

    @Test
    void one_vector_of_output_channels_runs_whole_windows_in_one_call() {
        // The direct forward (filter rows of at least 32 floats) on the 12 x 1 tile runs each tile over all
        // its window's filter rows in one call, a tile as wide as the layer written straight to the output:
        // windows cut by the top or bottom padding (fewer rows), input rows read in place or zero-padded,
        // filter heights 1 to 7 and widths 2 to 7, strides 1 to 3 per axis, and filters whose packed panel
        // is past L1.
        Random random = new Random(23);
        int lanes = KernelBackend.isVectorized() ? VectorSpeciesChoice.FLOAT.length() : 16;
        int wholeWindows = 0;
        int straightToOutput = 0;
        for (int i = 0; i < 36; i++) {
            int filterHeight = 1 + random.nextInt(7);
            int filterWidth = 2 + random.nextInt(6);
            int channels = Math.ceilDiv(32, filterWidth) + random.nextInt(i % 6 == 0 ? 120 : 8);
            int oc = random.nextBoolean() ? lanes : Math.max(1, lanes - 1 - random.nextInt(3));
            int strideHeight = 1 + random.nextInt(3);
            int strideWidth = 1 + random.nextInt(3);
            Padding padding = random.nextBoolean() ? Padding.SAME : Padding.VALID;
            int height = filterHeight + random.nextInt(8);
            int width = filterWidth + random.nextInt(40);
            Conv2dShape s = shape(1 + random.nextInt(2), height, width, channels, filterHeight, filterWidth, oc,
                    strideHeight, strideWidth, padding);
            // Rows of at least a tile have whole tiles; narrower ones go to the remainder tiles alone.
            if (KernelBackend.isVectorized() && !PixelLanesForward.fits(s)
                    && MicroKernelTile.forColumns(oc) == MicroKernelTile.TWELVE_BY_ONE
                    && s.outWidth() >= GemmMicroKernel12x1.ROWS) {
                wholeWindows++;
                if (oc == lanes) {
                    straightToOutput++;
                }
            }
            check(s, random.nextBoolean(), random.nextBoolean());
        }
        assertEquals(36, checked);
        if (KernelBackend.isVectorized()) {
            assertTrue(wholeWindows >= 14 && straightToOutput >= 5,
                    "shapes on the whole-window path: " + wholeWindows + ", written straight: " + straightToOutput);
        }
    }

    /**
     * An image's output has the same bits whether it is computed alone or in a batch, so that a model's
     * predictions do not depend on its batch size: where tiles run on across images (few input channels,
     * gathered patches), the pixels that end a chunk must get a full tile's arithmetic, bias included.
     * Random small shapes, most on that path, with a bias and with or without ReLU.
     */
    @Test
    void an_images_output_does_not_depend_on_the_batch_it_is_computed_in() {
        Random random = new Random(31);
        for (int i = 0; i < 80; i++) {
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            Padding padding = random.nextBoolean() ? Padding.SAME : Padding.VALID;
            int height = kh + random.nextInt(10), width = kw + random.nextInt(14);
            Conv2dShape s = shape(2 + random.nextInt(4), height, width, 1 + random.nextInt(6), kh, kw,
                    1 + random.nextInt(40), 1 + random.nextInt(3), 1 + random.nextInt(3), padding);
            Conv2dShape one = shape(1, height, width, s.inChannels(), kh, kw, s.outChannels(), s.strideHeight(),
                    s.strideWidth(), padding);
            float[] input = uniform(random, s.inputLength());
            float[] filter = uniform(random, s.filterLength());
            float[] bias = uniform(random, s.outChannels());
            boolean relu = random.nextBoolean();
            float[] batch = new float[s.outputLength()];
            Conv2d.forward(s, input, filter, bias, relu, batch);
            for (int image = 0; image < s.batch(); image++) {
                float[] alone = new float[one.outputLength()];
                Conv2d.forward(one, Arrays.copyOfRange(input, image * one.inputLength(), (image + 1) * one.inputLength()),
                        filter, bias, relu, alone);
                float[] inBatch = Arrays.copyOfRange(batch, image * one.outputLength(), (image + 1) * one.outputLength());
                assertArrayEquals(alone, inBatch, s + ", image " + image + " alone and in the batch");
            }
        }
    }

    @Test
    void filter_gradient_of_eight_or_sixteen_output_channels_runs_in_channel_rows() {
        // Output channels as the filter-gradient tile's rows (8 of them, up to 3 vectors of patch values):
        // filter rows of 48 or 96 floats read in place, and gathered patch rows (1x1 over 32 or 64
        // channels, 5x5 over 16) whose last tile has 1 or 2 vectors; one or two tiles of rows, windows cut
        // by every side's padding, strides 1 to 3 per axis, several blocks and groups of blocks, with and
        // without a bias.
        Random random = new Random(29);
        int channelRows = 0;
        // Twenty 32x32 images: more blocks than groups, so that later blocks' tiles add to the partials
        // earlier blocks wrote.
        for (int oc : new int[] {8, 16}) {
            Conv2dShape s = shape(20, 32, 32, 16, 3, 3, oc, 1, 1, Padding.SAME);
            if (KernelBackend.isVectorized() && !PixelLanesFilterGradient.fits(s)
                    && VectorConv2d.filterGradInChannelRows(s)) {
                channelRows++;
            }
            check(s, true, true);
            // Exact as well: within check's bound, a pixel lost or counted twice in one block would pass.
            checkFilterGradientExactly(s);
        }
        int[][] filterRows = {{3, 16}, {3, 32}, {6, 8}, {1, 48}, {2, 24}, {1, 64}, {5, 16}, {1, 32}};
        for (int i = 0; i < 30; i++) {
            int[] filterRow = filterRows[i % filterRows.length];
            int oc = random.nextBoolean() ? 8 : 16;
            int filterHeight = 1 + random.nextInt(4);
            Conv2dShape s = shape(1 + random.nextInt(i % 5 == 0 ? 24 : 3), filterHeight + random.nextInt(9),
                    filterRow[0] + random.nextInt(20), filterRow[1], filterHeight, filterRow[0], oc,
                    1 + random.nextInt(3), 1 + random.nextInt(3), random.nextBoolean() ? Padding.SAME : Padding.VALID);
            if (KernelBackend.isVectorized() && !PixelLanesFilterGradient.fits(s)
                    && VectorConv2d.filterGradInChannelRows(s)) {
                channelRows++;
            }
            check(s, random.nextBoolean(), random.nextBoolean());
        }
        assertEquals(32, checked);
        if (KernelBackend.isVectorized() && VectorSpeciesChoice.FLOAT.length() >= 8) {
            assertTrue(channelRows >= 10, "shapes in channel rows: " + channelRows);
        }
    }

    @Test
    void an_infinite_input_reaches_exactly_the_outputs_and_filter_taps_whose_windows_hold_it() {
        // Lanes past an output row's end, a tile's spare rows and the zero padding must multiply nothing
        // real: infinities in a row's last two columns (two stride phases), read by the spare lanes of a
        // vector that starts at the row's last pixels, must not reach a tap whose windows never hold them.
        // Each call follows, on one thread, calls on all-NaN data whose rows of 64 pixels fill whole
        // vectors, so NaN left in scratch must not leak either. Few output channels (at 512 bits the
        // pixel-lane paths on rows of 36, 38, 70 and 14 pixels, stacked rows on 70, the 4 x 6 filter
        // kernel on 36, the forward's packed tiles on 14) and the usual paths.
        Conv2dShape filler = shape(3, 9, 66, 4, 3, 3, 2, 1, 1, Padding.VALID);
        int before = KernelThreads.threads();
        KernelThreads.setThreads(1);
        try {
            checkInfiniteInput(filler);
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    private void checkInfiniteInput(Conv2dShape filler) {
        Conv2dShape[] shapes = {
                shape(2, 9, 38, 1, 3, 3, 2, 1, 1, Padding.VALID),
                shape(2, 9, 38, 2, 3, 3, 4, 1, 1, Padding.VALID),
                shape(2, 9, 75, 1, 3, 3, 2, 1, 2, Padding.SAME),
                shape(2, 9, 70, 3, 7, 7, 2, 1, 1, Padding.SAME),
                shape(3, 6, 16, 2, 3, 3, 1, 1, 1, Padding.VALID),
                shape(2, 7, 37, 4, 3, 3, 10, 1, 2, Padding.SAME),
                shape(2, 8, 13, 16, 3, 3, 64, 2, 2, Padding.SAME),
        };
        for (Conv2dShape s : shapes) {
            float[] input = uniform(random, s.inputLength());
            float[] filter = uniform(random, s.filterLength());
            float[] outputGrad = uniform(random, s.outputLength());
            int row = random.nextInt(s.inHeight());
            input[((s.inHeight() + row) * s.inWidth() + s.inWidth() - 1) * s.inChannels()] = Float.POSITIVE_INFINITY;
            input[((s.inHeight() + row) * s.inWidth() + s.inWidth() - 2) * s.inChannels()] = Float.NEGATIVE_INFINITY;

            leaveNaNInScratch(filler);
            assertForwardKeepsInfinities(s, input, filter);

            leaveNaNInScratch(filler);
            float[] expectedGrad = new float[s.filterLength()];
            float[] actualGrad = new float[s.filterLength()];
            ScalarConv2d.backwardFilter(s, input, outputGrad, expectedGrad, new float[s.outChannels()]);
            Conv2d.backwardFilter(s, input, outputGrad, actualGrad, new float[s.outChannels()]);
            float[] filterGradMagnitude = new float[s.filterLength()];
            ScalarConv2d.backwardFilter(s, finiteMagnitudes(input), abs(outputGrad), filterGradMagnitude,
                    new float[s.outChannels()]);
            // Two phases of a stride-2 row can hold every tap's windows, so all may be infinite here.
            assertSameValues(s + " backwardFilter", expectedGrad, actualGrad,
                    bound(s.outputPixels(), filterGradMagnitude), false);
        }
    }

    /**
     * The forward against the scalar reference on an input holding infinities: the same non-finite outputs,
     * and the finite ones within the rounding bound of their sums, none of which holds an infinity.
     */
    private static void assertForwardKeepsInfinities(Conv2dShape s, float[] input, float[] filter) {
        float[] expected = new float[s.outputLength()];
        float[] actual = new float[s.outputLength()];
        ScalarConv2d.forward(s, input, filter, null, false, expected);
        Conv2d.forward(s, input, filter, null, false, actual);
        float[] magnitude = new float[s.outputLength()];
        ScalarConv2d.forward(s, finiteMagnitudes(input), abs(filter), null, false, magnitude);
        assertSameValues(s + " forward", expected, actual, bound(s.patchLength(), magnitude), true);
    }

    /** |values|, with 0 for the non-finite ones. */
    private static float[] finiteMagnitudes(float[] values) {
        float[] magnitudes = abs(values);
        for (int i = 0; i < magnitudes.length; i++) {
            magnitudes[i] = Float.isFinite(magnitudes[i]) ? magnitudes[i] : 0f;
        }
        return magnitudes;
    }

    private static void leaveNaNInScratch(Conv2dShape s) {
        float[] nan = filled(Math.max(s.inputLength(), s.outputLength()), Float.NaN);
        Conv2d.forward(s, nan, filled(s.filterLength(), Float.NaN), null, false, new float[s.outputLength()]);
        Conv2d.backwardFilter(s, nan, nan, new float[s.filterLength()], new float[s.outChannels()]);
    }

    /**
     * NaN where NaN is expected, the same infinity where one is, and finite values within {@code tolerance}
     * elsewhere; some values non-finite and, with {@code someFinite}, some finite, so that the check means
     * something.
     */
    private static void assertSameValues(String what, float[] expected, float[] actual, double[] tolerance,
                                         boolean someFinite) {
        int infinite = 0;
        for (int i = 0; i < expected.length; i++) {
            String at = what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (tolerance "
                    + tolerance[i] + ")";
            if (Float.isFinite(expected[i])) {
                assertTrue(Math.abs((double) expected[i] - actual[i]) <= tolerance[i], at);
            } else {
                infinite++;
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]), at);
            }
        }
        assertTrue(infinite > 0 && (!someFinite || infinite < expected.length),
                what + ": " + infinite + " non-finite values");
    }

    @Test
    void the_tutorials_line_filters_on_a_photo_strip() {
        // FilterDemo's layer on a strip of a photo: 7x7 filters, two output channels, SAME, one and
        // three input channels, strides 1 and 2 (TrainableConvDemo); VALID trims the rows to 634 pixels.
        // Where the pixel-lane forward runs, a tile's 6 rows compute 3 output rows of both channels.
        Conv2dShape[] strips = {
                shape(2, 12, 640, 1, 7, 7, 2, 1, 1, Padding.SAME),
                shape(2, 12, 640, 3, 7, 7, 2, 1, 1, Padding.VALID),
                shape(2, 12, 640, 3, 7, 7, 2, 2, 2, Padding.SAME),
        };
        for (int i = 0; i < strips.length; i++) {
            if (KernelBackend.isVectorized() && PixelLanesForward.fits(strips[i])) {
                assertEquals(3, PixelLanesForward.stackedRows(strips[i]), strips[i] + " stacked rows");
            }
            check(strips[i], i > 0, i == 1);
        }
    }

    @Test
    void single_input_and_output_channel() {
        check(shape(3, 6, 7, 1, 3, 3, 1, 1, 1, Padding.SAME), true, true);
        check(shape(3, 6, 7, 1, 3, 3, 1, 2, 2, Padding.VALID), false, false);
    }

    @Test
    void batch_1_and_gt_1() {
        check(shape(1, 6, 6, 4, 3, 3, 8, 1, 1, Padding.SAME), true, false);
        check(shape(5, 6, 6, 4, 3, 3, 8, 1, 1, Padding.SAME), true, false);
    }

    @Test
    void with_and_without_bias_and_relu() {
        for (boolean bias : new boolean[] {false, true}) {
            for (boolean relu : new boolean[] {false, true}) {
                check(shape(2, 5, 6, 3, 3, 3, 20, 1, 1, Padding.SAME), bias, relu);
            }
        }
    }

    @Test
    void pointwise_1x1_stride_1_is_a_gemm() {
        for (Padding padding : PADDINGS) {
            check(shape(2, 5, 7, 6, 1, 1, 9, 1, 1, padding), true, true);
            check(shape(1, 3, 3, 40, 1, 1, 70, 1, 1, padding), false, false);
        }
    }

    @Test
    void pointwise_1x1_strided() {
        check(shape(2, 5, 7, 6, 1, 1, 9, 2, 3, Padding.SAME), true, false);
        check(shape(2, 5, 7, 6, 1, 1, 9, 2, 2, Padding.VALID), false, true);
    }

    @Test
    void many_blocks_and_filter_gradient_groups() {
        // 3 x 20 x 20 = 1200 output pixels: several forward chunks, several filter-gradient groups,
        // a ragged last block and a ragged last tile.
        check(shape(3, 20, 20, 4, 3, 3, 64, 1, 1, Padding.SAME), true, true);
        check(shape(3, 20, 21, 5, 2, 3, 24, 1, 1, Padding.VALID), true, false);
        checkFilterGradientExactly(shape(3, 20, 20, 4, 3, 3, 64, 1, 1, Padding.SAME));
        checkFilterGradientExactly(shape(3, 20, 21, 5, 2, 3, 24, 2, 1, Padding.VALID));
    }

    @Test
    void filter_rows_read_in_place_with_remainder_tiles_across_rows_and_chunks() {
        // KW*C >= 32 floats: forward reads the padded input rows directly; OW is not a multiple of
        // either tile height, so every output row leaves remainder pixels, batched across rows and
        // flushed at each of the several chunk ends.
        check(shape(2, 20, 19, 16, 3, 3, 64, 1, 1, Padding.SAME), true, true);
        check(shape(2, 21, 23, 16, 3, 2, 24, 2, 1, Padding.SAME), true, false);
        check(shape(1, 9, 31, 40, 1, 3, 7, 1, 3, Padding.VALID), false, true);
        // More output channels than one panel of any width: remainder tiles for every column panel.
        check(shape(2, 9, 13, 24, 3, 3, 70, 1, 1, Padding.SAME), true, true);
    }

    @Test
    void input_gradient_tiles_run_across_class_rows_in_bands() {
        // backwardInput cuts each stride parity class's pixels into whole tiles that run on from one
        // class row to the next, in bands of rows sized so that a band is a whole number of tiles. Class
        // rows of 5, 7, 8, 9, 12 and 14 pixels give bands of 1 to 12 rows for the 6- and 12-row tiles;
        // heights that are not a whole number of bands leave a ragged last tile; even kernels give
        // asymmetric SAME padding, a 1-wide kernel under stride 2 or 3 gives classes with no taps; C = 8
        // and 40 go through the scratch tile, C = 32 and 64 write whole tiles into the gradient.
        int[] classColumns = {5, 7, 8, 9, 12, 14};
        int[] channels = {8, 32, 40, 64};
        for (int stride = 1; stride <= 3; stride++) {
            for (int i = 0; i < classColumns.length; i++) {
                int kernel = 1 + (i + stride) % 4;
                int width = classColumns[i] * stride - i % stride;
                int height = 3 + 2 * i + stride;
                Padding padding = PADDINGS[(i + stride) % 2];
                check(shape(2, height, width, channels[(i + stride) % 4], kernel, kernel + 1 - i % 2,
                        16 + 8 * (i % 3), stride, stride, padding), false, false);
            }
        }
        assertEquals(18, checked);
    }

    @Test
    void forward_of_patch_rows_64_floats_apart_runs_tiles_of_14_pixels() {
        // Pixels whose patch rows lie strideWidth * C = 64 floats apart (64 channels at stride 1, 32 at 2,
        // 16 at 4), output rows of 14, 28 or 42 pixels and 32, 64 or 96 output channels run
        // Stride64MicroKernel14x2 at 512 bits: input rows read in place (VALID), each filter row added into
        // the output, or zero-padded (SAME), whole windows per call; windows cut by the top and bottom
        // padding, filters 1 to 5 high and 2 to 5 wide, vertical strides 1 to 3, batch 1 or 2. 48 output
        // channels (not whole 2-vector panels) and 13-pixel rows take the general tiles.
        Random random = new Random(31);
        int[][] channelsAndStride = {{64, 1}, {32, 2}, {16, 4}};
        int fixedStride = 0;
        for (int i = 0; i < 18; i++) {
            int channels = channelsAndStride[i % 3][0];
            int stride = channelsAndStride[i % 3][1];
            int outWidth = i % 6 == 5 ? 13 : 14 * (1 + random.nextInt(3));
            int oc = i % 6 == 4 ? 48 : 32 * (1 + random.nextInt(3));
            int filterHeight = 1 + random.nextInt(5);
            int filterWidth = 2 + random.nextInt(4);
            Padding padding = PADDINGS[i % 2];
            int width = padding == Padding.SAME ? outWidth * stride - random.nextInt(stride)
                    : (outWidth - 1) * stride + filterWidth + random.nextInt(stride);
            Conv2dShape s = shape(1 + random.nextInt(2), filterHeight + random.nextInt(6), width, channels,
                    filterHeight, filterWidth, oc, 1 + random.nextInt(3), stride, padding);
            assertEquals(outWidth, s.outWidth(), s.toString());
            if (KernelBackend.isVectorized() && VectorConv2d.forwardsOnFixedStride(s)) {
                fixedStride++;
            }
            check(s, random.nextBoolean(), random.nextBoolean());
            checkForwardExactly(s);
        }
        assertEquals(18, checked);
        if (KernelBackend.isVectorized() && VectorSpeciesChoice.FLOAT.vectorBitSize() == 512) {
            assertEquals(12, fixedStride);
        }
    }

    @Test
    void forward_reads_input_rows_in_place_when_only_each_rows_last_window_reaches_the_padding() {
        // One padded column on the right, which only each output row's last window reaches, and none on the
        // left (MNIST conv2: stride 2 SAME on 28 columns): at 512 bits the stride-64 tiles read the input
        // rows in place and give that window a copy of its filter-row segment, zero past the input row.
        // Rows of 14 and 28 pixels, 32, 16 and 64 channels at strides 2, 4 and 1. An infinity in every
        // input row's first pixel lies just past the previous row's last window, which must not read it.
        // Before each layer MNIST conv2 runs on NaN on the same thread, so that its last window's copy
        // (64 floats of input) leaves NaN where the 48 of the third layer end.
        Conv2dShape nanFiller = shape(1, 28, 28, 32, 3, 3, 64, 2, 2, Padding.SAME);
        Conv2dShape[] shapes = {
                shape(2, 28, 28, 32, 3, 3, 64, 2, 2, Padding.SAME),
                shape(1, 9, 56, 32, 3, 3, 32, 2, 2, Padding.SAME),
                shape(2, 7, 55, 16, 2, 4, 32, 1, 4, Padding.SAME),
                shape(1, 6, 14, 64, 4, 2, 64, 1, 1, Padding.SAME),
        };
        int before = KernelThreads.threads();
        KernelThreads.setThreads(1);
        try {
            for (Conv2dShape s : shapes) {
                if (KernelBackend.isVectorized()) {
                    assertTrue(VectorConv2d.lastWindowInputFloats(s) < s.filterWidth() * s.inChannels(), s.toString());
                    assertEquals(VectorSpeciesChoice.FLOAT.vectorBitSize() == 512, VectorConv2d.forwardsOnFixedStride(s),
                            s.toString());
                }
                float[] input = uniform(random, s.inputLength());
                for (int row = 0; row < s.batch() * s.inHeight(); row++) {
                    input[row * s.inWidth() * s.inChannels()] = Float.POSITIVE_INFINITY;
                }
                float[] filter = uniform(random, s.filterLength());
                leaveNaNInScratch(nanFiller);
                assertForwardKeepsInfinities(s, input, filter);

                leaveNaNInScratch(nanFiller);
                check(s, true, true);
                leaveNaNInScratch(nanFiller);
                checkForwardExactly(s);
            }
        } finally {
            KernelThreads.setThreads(before);
        }
        assertEquals(shapes.length, checked);
    }

    @Test
    void input_gradient_with_64_output_channels_runs_tiles_of_14_pixels_of_one_class_row() {
        // 64 output channels, class rows of 14 or 28 pixels and input channels of exactly one 2-vector panel
        // (C = 8, 16, 32 at 128, 256, 512 bits) run Stride64MicroKernel14x2; the other C here take the
        // general tiles. Strides 1 to 3, kernels 1 to 5 (even ones pad SAME asymmetrically), heights whose
        // last rows no VALID window covers (their class rows get no taps, so zeros), batch 2.
        int[] channels = {8, 16, 32, 24};
        for (int stride = 1; stride <= 3; stride++) {
            for (int i = 0; i < 4; i++) {
                int classColumns = 14 * (1 + i % 2);
                int kernel = 1 + (i + 2 * stride) % 5;
                int height = 2 + kernel + stride * (1 + i);
                check(shape(2, height, classColumns * stride, channels[i], kernel, 1 + (kernel + i) % 4, 64, stride,
                        stride, PADDINGS[(i + stride) % 2]), false, false);
            }
        }
        // Row 29 is in no VALID window: its class rows get zeros, at every vector width.
        for (int c : new int[] {8, 16, 32}) {
            check(shape(1, 30, 28, c, 3, 3, 64, 2, 2, Padding.VALID), false, false);
        }
        assertEquals(15, checked);
    }

    @Test
    void filter_gradient_reads_padded_rows_across_images_and_stride_gaps() {
        // KW*C = 48 floats, a multiple of both tile heights: backwardFilter reads the patches in place
        // from padded input rows. Blocks span several images; stride 3 over a 2-row filter leaves
        // input rows no window covers (a fresh run of rows per output row); stride 1 shares rows.
        for (Padding padding : PADDINGS) {
            check(shape(4, 8, 9, 24, 2, 2, 20, 3, 2, padding), true, false);
            check(shape(3, 6, 7, 24, 3, 2, 64, 1, 1, padding), false, false);
            check(shape(3, 7, 6, 16, 3, 3, 40, 2, 1, padding), true, true);
        }
        assertEquals(6, checked);
    }

    @Test
    void filter_gradient_accumulates_blocks_in_partials_one_tile_wide() {
        // OC = 32 is exactly one tile wide (12x2 at 512 bits, 6x4 at 256), so the micro-kernel adds
        // each block straight into its group's partial; 4800 pixels make 20 blocks, 2 per group.
        check(shape(3, 40, 40, 16, 3, 3, 32, 1, 1, Padding.SAME), true, false);
        checkFilterGradientExactly(shape(3, 40, 40, 16, 3, 3, 32, 1, 1, Padding.SAME));
    }

    @Test
    void mnist_conv1_small_batch() {
        check(shape(2, 28, 28, 1, 3, 3, 32, 1, 1, Padding.SAME), true, true);
    }

    @Test
    void one_channel_3x3_filter_gradient_runs_on_padded_rows_in_registers() {
        // 3x3 over one input channel with 32 output channels: at 512 bits SingleChannel3x3FilterGradient,
        // which reads the taps from the padded rows and masks in registers. Strides 1 to 3 per axis, both
        // paddings, odd and even sizes, one image and many (several blocks per group, and groups whose
        // last block is short), with and without bias and ReLU; exactly on integers as well.
        Random random = new Random(31);
        int onPath = 0;
        for (int i = 0; i < 24; i++) {
            Conv2dShape s = randomOneChannel3x3Shape(random, i);
            if (KernelBackend.isVectorized() && SingleChannel3x3FilterGradient.fits(s)) {
                onPath++;
            }
            check(s, i % 4 < 2, i % 2 == 0 || i % 3 == 0);
            checkFilterGradientExactly(s);
        }
        assertEquals(24, checked);
        if (KernelBackend.isVectorized() && VectorSpeciesChoice.FLOAT.vectorBitSize() == 512) {
            assertEquals(24, onPath, "shapes on SingleChannel3x3FilterGradient");
        }
    }

    /**
     * A 3x3 layer over one input channel with 32 output channels: padding alternating with {@code i},
     * strides 1 to 3 per axis, odd and even sizes up to 30 (at least 3 under VALID), and a batch of 20 to 39
     * images every sixth shape (several blocks and chunks), else 1 to 3.
     */
    private static Conv2dShape randomOneChannel3x3Shape(Random random, int i) {
        Padding padding = PADDINGS[i % 2];
        int batch = i % 6 == 0 ? 20 + random.nextInt(20) : 1 + random.nextInt(3);
        int least = padding == Padding.VALID ? 3 : 1;
        return shape(batch, least + random.nextInt(30), least + random.nextInt(30), 1, 3, 3, 32, 1 + random.nextInt(3),
                1 + random.nextInt(3), padding);
    }

    @Test
    void one_channel_3x3_filter_gradient_of_an_underflowing_product_is_positive_zero() {
        // 1e-30 * -1e-20 rounds to -0.0 in the FMA; the general path's write-back adds +0.0 (no bias), so its
        // sum is +0.0, as the scalar reference's 0f + (-0.0) is.
        Conv2dShape s = shape(1, 3, 3, 1, 3, 3, 32, 1, 1, Padding.VALID);
        float[] input = filled(s.inputLength(), 1e-30f);
        float[] outputGrad = filled(s.outputLength(), -1e-20f);
        float[] filterGrad = filled(s.filterLength(), Float.NaN);
        Conv2d.backwardFilter(s, input, outputGrad, filterGrad, null);
        assertArrayEquals(new float[s.filterLength()], filterGrad, "filterGrad of underflowing products");
        filterGrad = filled(s.filterLength(), Float.NaN);
        Conv2d.backwardFilterOnly(s, input, outputGrad, filterGrad, null, null);
        assertArrayEquals(new float[s.filterLength()], filterGrad, "backwardFilterOnly's filterGrad of underflowing products");
    }

    @Test
    void one_channel_3x3_filter_gradient_sums_in_the_general_paths_order() {
        // SingleChannel3x3FilterGradient (at 512 bits) promises the general path's bits (every width): per
        // group of blocks, each block's tap sums fused-multiply-added from zero over its pixels in order,
        // plus +0.0, then added to the group's partial; the bias sums continue the partial pixel by pixel;
        // the groups' partials added in group order. Computed here with Math.fma in that order and compared
        // bit for bit, on shapes of several blocks per group and several groups, with values tiny enough
        // for some products to underflow.
        if (!KernelBackend.isVectorized()) {
            return; // the scalar path sums in its own order, checked against the reference within a bound
        }
        Random random = new Random(37);
        for (Conv2dShape s : new Conv2dShape[] {shape(40, 28, 28, 1, 3, 3, 32, 1, 1, Padding.SAME),
                shape(25, 17, 30, 1, 3, 3, 32, 2, 1, Padding.VALID), shape(3, 9, 11, 1, 3, 3, 32, 1, 3, Padding.SAME)}) {
            assertEquals(VectorSpeciesChoice.FLOAT.vectorBitSize() == 512, SingleChannel3x3FilterGradient.fits(s),
                    s + " on SingleChannel3x3FilterGradient");
            float[] input = uniform(random, s.inputLength());
            float[] outputGrad = uniform(random, s.outputLength());
            float[] reluOutput = uniform(random, s.outputLength());
            for (int i = 0; i < input.length; i += 7) {
                input[i] *= 1e-30f;
            }
            for (int i = 0; i < outputGrad.length; i += 5) {
                outputGrad[i] *= 1e-20f;
            }
            float[] filterGrad = new float[s.filterLength()];
            float[] biasGrad = new float[s.outChannels()];
            Conv2d.backwardFilterOnly(s, input, outputGrad.clone(), filterGrad, biasGrad, reluOutput);
            float[][] expected = filterGradientInOrder(s, input, outputGrad, reluOutput);
            assertArrayEquals(expected[0], filterGrad, s + " filterGrad");
            assertArrayEquals(expected[1], biasGrad, s + " biasGrad");
        }
    }

    /** The filter and bias gradients of a one-channel 3x3 layer through a ReLU, summed in the order the vector paths promise. */
    private static float[][] filterGradientInOrder(Conv2dShape s, float[] input, float[] outputGrad, float[] reluOutput) {
        int oc = s.outChannels();
        int m = s.outputPixels();
        int blockRows = VectorConv2d.filterGradBlockRows(s);
        int blocks = Math.ceilDiv(m, blockRows);
        int blocksPerGroup = VectorConv2d.blocksPerGroup(s, blocks);
        float[] filterGrad = null;
        float[] biasGrad = null;
        for (int firstBlock = 0; firstBlock < blocks; firstBlock += blocksPerGroup) {
            float[] filterPartial = new float[9 * oc];
            float[] biasPartial = new float[oc];
            for (int block = firstBlock; block < Math.min(blocks, firstBlock + blocksPerGroup); block++) {
                float[] blockSums = new float[9 * oc];
                for (int pixel = block * blockRows; pixel < Math.min(m, (block + 1) * blockRows); pixel++) {
                    int x = pixel % s.outWidth();
                    int y = pixel / s.outWidth() % s.outHeight();
                    int n = pixel / s.outWidth() / s.outHeight();
                    for (int o = 0; o < oc; o++) {
                        int at = pixel * oc + o;
                        float dy = outputGrad[at] * (reluOutput[at] > 0 ? 1f : 0f);
                        biasPartial[o] += dy;
                        for (int tap = 0; tap < 9; tap++) {
                            int row = y * s.strideHeight() + tap / 3 - s.padTop();
                            int column = x * s.strideWidth() + tap % 3 - s.padLeft();
                            boolean inside = row >= 0 && row < s.inHeight() && column >= 0 && column < s.inWidth();
                            float value = inside ? input[(n * s.inHeight() + row) * s.inWidth() + column] : 0f;
                            blockSums[tap * oc + o] = Math.fma(value, dy, blockSums[tap * oc + o]);
                        }
                    }
                }
                for (int i = 0; i < blockSums.length; i++) {
                    filterPartial[i] = block == firstBlock ? blockSums[i] + 0f : blockSums[i] + filterPartial[i];
                }
            }
            if (filterGrad == null) {
                filterGrad = filterPartial;
                biasGrad = biasPartial;
            } else {
                for (int i = 0; i < filterGrad.length; i++) {
                    filterGrad[i] += filterPartial[i];
                }
                for (int o = 0; o < oc; o++) {
                    biasGrad[o] += biasPartial[o];
                }
            }
        }
        return new float[][] {filterGrad, biasGrad};
    }

    @Test
    void filter_gradient_only_sends_a_non_finite_gradient_at_a_dead_unit_through_as_the_fused_call_does() {
        // ReluGrad multiplies by a 0/1 mask: NaN or infinity at a dead unit gives NaN, which must reach the
        // taps and bias of its channel on the path that masks in registers as on the one that masks in place.
        for (Conv2dShape s : new Conv2dShape[] {shape(2, 10, 12, 1, 3, 3, 32, 1, 1, Padding.SAME),
                shape(2, 10, 12, 3, 3, 3, 32, 1, 1, Padding.SAME)}) {
            float[] input = uniform(random, s.inputLength());
            float[] reluOutput = uniform(random, s.outputLength());
            float[] outputGrad = uniform(random, s.outputLength());
            // An inner pixel: every tap of its window reads the image, none the padding (which the fast
            // paths may multiply and the reference skips).
            int dead = (5 * s.outWidth() + 5) * s.outChannels() + 7;
            reluOutput[dead] = 0f;
            outputGrad[dead] = Float.POSITIVE_INFINITY;
            float[] masked = new float[s.outputLength()];
            ScalarRelu.backward(reluOutput, outputGrad, masked, 0, masked.length);
            float[] expected = new float[s.filterLength()];
            float[] expectedBias = new float[s.outChannels()];
            ScalarConv2d.backwardFilter(s, input, masked, expected, expectedBias);
            float[] actual = new float[s.filterLength()];
            float[] actualBias = new float[s.outChannels()];
            Conv2d.backwardFilterOnly(s, input, outputGrad.clone(), actual, actualBias, reluOutput);
            assertTrue(Float.isNaN(expectedBias[7]), "the reference's bias gradient of the channel");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.isNaN(expected[i]), Float.isNaN(actual[i]), s + " NaN at filterGrad[" + i + "]");
            }
            for (int o = 0; o < s.outChannels(); o++) {
                assertEquals(Float.isNaN(expectedBias[o]), Float.isNaN(actualBias[o]), s + " NaN at biasGrad[" + o + "]");
            }
        }
    }

    @Test
    void one_channel_3x3_forward_keeps_the_filter_in_registers() {
        // 3x3 over one input channel with 32 output channels: at 512 bits SingleChannel3x3Forward (every
        // shape here), whose pixels are nine broadcasts from the padded rows against the filter held in
        // registers. Strides 1 to 3 per axis, both paddings, odd and even sizes, one image and many (several
        // chunks of output rows), with and without bias and ReLU; exactly on integers as well. Last, a layer
        // of 32 input channels and one output channel, whose input gradient runs as the forward of the
        // flipped filter over one channel: on this path too.
        Random random = new Random(41);
        for (int i = 0; i < 24; i++) {
            Conv2dShape s = randomOneChannel3x3Shape(random, i);
            check(s, i % 4 < 2, i % 2 == 0 || i % 3 == 0);
            checkForwardExactly(s);
        }
        check(shape(2, 14, 14, 32, 3, 3, 1, 1, 1, Padding.SAME), true, true);
        assertEquals(25, checked);
    }

    @Test
    void one_channel_3x3_forward_sums_in_the_general_paths_order() {
        // SingleChannel3x3Forward (at 512 bits) promises the general path's bits (every width): each output
        // starts at its bias (+0.0 without one) and fused-multiply-adds the nine taps in row-major order,
        // padded cells included as zeros, then Math.max(sum, 0) under a ReLU. Computed here with Math.fma in
        // that order and compared bit for bit, with NaN and infinite inputs, products that underflow, and
        // -0.0 sums (a -0.0 bias, zero inputs and negative taps), which the ReLU must turn into +0.0.
        if (!KernelBackend.isVectorized()) {
            return; // the scalar path sums in its own order, checked against the reference within a bound
        }
        Random random = new Random(43);
        for (Conv2dShape s : new Conv2dShape[] {shape(30, 28, 28, 1, 3, 3, 32, 1, 1, Padding.SAME),
                shape(4, 17, 30, 1, 3, 3, 32, 2, 1, Padding.VALID), shape(3, 9, 11, 1, 3, 3, 32, 1, 3, Padding.SAME)}) {
            assertEquals(VectorSpeciesChoice.FLOAT.vectorBitSize() == 512, SingleChannel3x3Forward.fits(s),
                    s + " on SingleChannel3x3Forward");
            float[] input = uniform(random, s.inputLength());
            float[] filter = uniform(random, s.filterLength());
            float[] bias = uniform(random, s.outChannels());
            for (int i = 0; i < input.length; i += 7) {
                input[i] = i % 3 == 0 ? 0f : input[i] * 1e-30f;
            }
            input[input.length / 3] = Float.NaN;
            input[input.length / 2] = Float.POSITIVE_INFINITY;
            for (int o = 0; o < s.outChannels(); o += 4) {
                bias[o] = -0f;
                for (int tap = 0; tap < 9; tap++) {
                    filter[tap * s.outChannels() + o] = -Math.abs(filter[tap * s.outChannels() + o]) * 1e-20f;
                }
            }
            // An image of zeros: its outputs in the channels set up above are sums of -0.0 only.
            Arrays.fill(input, 0, s.inHeight() * s.inWidth(), 0f);
            for (boolean relu : new boolean[] {false, true}) {
                for (float[] b : new float[][] {bias, null}) {
                    float[] actual = filled(s.outputLength(), Float.NaN);
                    Conv2d.forward(s, input, filter, b, relu, actual);
                    assertArrayEquals(forwardInOrder(s, input, filter, b, relu), actual,
                            s + " relu=" + relu + " bias=" + (b != null));
                }
            }
        }
    }

    /** The forward of a one-channel 3x3 layer, summed in the order the vector paths promise. */
    private static float[] forwardInOrder(Conv2dShape s, float[] input, float[] filter, float[] bias, boolean relu) {
        int oc = s.outChannels();
        float[] output = new float[s.outputLength()];
        for (int pixel = 0; pixel < s.outputPixels(); pixel++) {
            int x = pixel % s.outWidth();
            int y = pixel / s.outWidth() % s.outHeight();
            int n = pixel / s.outWidth() / s.outHeight();
            for (int o = 0; o < oc; o++) {
                float sum = bias == null ? 0f : bias[o];
                for (int tap = 0; tap < 9; tap++) {
                    int row = y * s.strideHeight() + tap / 3 - s.padTop();
                    int column = x * s.strideWidth() + tap % 3 - s.padLeft();
                    boolean inside = row >= 0 && row < s.inHeight() && column >= 0 && column < s.inWidth();
                    float value = inside ? input[(n * s.inHeight() + row) * s.inWidth() + column] : 0f;
                    sum = Math.fma(value, filter[tap * oc + o], sum);
                }
                output[pixel * oc + o] = relu ? Math.max(sum, 0f) : sum;
            }
        }
        return output;
    }

    @Test
    void a_fused_relu_turns_a_negative_zero_sum_into_positive_zero_on_every_path() {
        // tf.nn.relu and the scalar reference give max(-0.0, 0) = +0.0. Products that underflow to -0.0 (tiny
        // inputs, tiny negative filter taps) and a -0.0 bias make every pre-activation -0.0 whatever the order
        // of the sums; the vector paths clamp by compare and blend rather than Vector.max, and must still give
        // +0.0. At 512 bits the shapes reach, in order: the one-channel 3x3 kernel; the pixel-lane paths (1
        // and 2 output channels); one-channel tiles of 14 pixels; gathered few-channel patches on the 6 x 4,
        // 12 x 2 and 12 x 1 transposed tiles; whole windows on the 12 x 1 tile; padded rows on the 6 x 4 tile
        // (through the write-back); and a 1x1 layer (a GEMM with a fused epilogue). Other widths spread the
        // same shapes over the same kernels differently.
        for (Conv2dShape s : new Conv2dShape[] {shape(2, 28, 28, 1, 3, 3, 32, 1, 1, Padding.SAME),
                shape(2, 10, 12, 1, 3, 3, 1, 1, 1, Padding.SAME), shape(2, 10, 12, 1, 3, 3, 2, 1, 1, Padding.SAME),
                shape(2, 14, 28, 1, 5, 5, 32, 1, 1, Padding.SAME), shape(2, 9, 9, 3, 3, 3, 40, 2, 2, Padding.SAME),
                shape(2, 9, 9, 3, 3, 3, 24, 2, 2, Padding.SAME), shape(2, 9, 9, 3, 3, 3, 16, 2, 2, Padding.SAME),
                shape(2, 14, 14, 16, 3, 3, 16, 1, 1, Padding.SAME), shape(2, 9, 9, 16, 3, 3, 64, 1, 1, Padding.SAME),
                shape(2, 7, 7, 8, 1, 1, 24, 1, 1, Padding.VALID)}) {
            float[] input = filled(s.inputLength(), 1e-30f);
            float[] filter = filled(s.filterLength(), -1e-20f);
            float[] bias = filled(s.outChannels(), -0f);
            float[] actual = filled(s.outputLength(), Float.NaN);
            Conv2d.forward(s, input, filter, bias, true, actual);
            assertArrayEquals(new float[s.outputLength()], actual, s + " relu of -0.0 sums");
        }
    }

    @Test
    void mnist_conv2_small_batch() {
        check(shape(2, 28, 28, 32, 3, 3, 64, 2, 2, Padding.SAME), true, true);
    }

    @Test
    void random_shapes() {
        for (int i = 0; i < 40; i++) {
            Padding padding = PADDINGS[random.nextInt(2)];
            int kh = 1 + random.nextInt(5);
            int kw = 1 + random.nextInt(5);
            int h = (padding == Padding.VALID ? kh : 1) + random.nextInt(8);
            int w = (padding == Padding.VALID ? kw : 1) + random.nextInt(8);
            check(shape(1 + random.nextInt(3), h, w, 1 + random.nextInt(20), kh, kw, 1 + random.nextInt(40),
                    1 + random.nextInt(3), 1 + random.nextInt(3), padding), random.nextBoolean(), random.nextBoolean());
        }
        assertEquals(40, checked);
    }

    @Test
    void arrays_longer_than_needed_keep_their_tails() {
        Conv2dShape s = shape(2, 6, 5, 3, 3, 3, 7, 2, 1, Padding.SAME);
        float[] input = uniform(random, s.inputLength() + 5);
        float[] filter = uniform(random, s.filterLength() + 5);
        float[] bias = uniform(random, s.outChannels() + 5);
        float[] outputGrad = uniform(random, s.outputLength() + 5);
        float[] output = filled(s.outputLength() + 5, 42f);
        float[] inputGrad = filled(s.inputLength() + 5, 42f);
        float[] filterGrad = filled(s.filterLength() + 5, 42f);
        float[] biasGrad = filled(s.outChannels() + 5, 42f);
        Conv2d.forward(s, input, filter, bias, false, output);
        Conv2d.backwardInput(s, filter, outputGrad, inputGrad);
        Conv2d.backwardFilter(s, input, outputGrad, filterGrad, biasGrad);
        assertTail(output, s.outputLength());
        assertTail(inputGrad, s.inputLength());
        assertTail(filterGrad, s.filterLength());
        assertTail(biasGrad, s.outChannels());
        float[] expected = new float[s.outputLength()];
        ScalarConv2d.forward(s, input, filter, bias, false, expected);
        assertClose("output", expected, Arrays.copyOf(output, s.outputLength()),
                forwardBound(s, input, filter, bias));
    }

    @Test
    void outputs_are_overwritten_not_accumulated() {
        Conv2dShape s = shape(2, 6, 5, 3, 3, 3, 7, 1, 1, Padding.SAME);
        float[] input = uniform(random, s.inputLength());
        float[] filter = uniform(random, s.filterLength());
        float[] outputGrad = uniform(random, s.outputLength());
        float[] output = filled(s.outputLength(), Float.NaN);
        float[] inputGrad = filled(s.inputLength(), Float.NaN);
        float[] filterGrad = filled(s.filterLength(), Float.NaN);
        float[] biasGrad = filled(s.outChannels(), Float.NaN);
        Conv2d.forward(s, input, filter, null, false, output);
        Conv2d.backwardInput(s, filter, outputGrad, inputGrad);
        Conv2d.backwardFilter(s, input, outputGrad, filterGrad, biasGrad);
        for (float[] a : new float[][] {output, inputGrad, filterGrad, biasGrad}) {
            for (float v : a) {
                assertTrue(Float.isFinite(v), "a stale NaN survived");
            }
        }
    }

    @Test
    void filter_gradient_groups_of_several_pixel_lane_blocks_add_their_blocks() {
        // 40 images of 64x64 pixels: blocks of 64 output rows (4096 pixels), 40 of them in 14 groups of up
        // to 3, so groups add several blocks to their partial (4 output channels: at 512 bits only).
        checkFilterGradientExactly(shape(40, 64, 64, 1, 3, 3, 1, 1, 1, Padding.SAME));
        checkFilterGradientExactly(shape(40, 64, 64, 2, 3, 3, 4, 1, 1, Padding.SAME));
    }

    @Test
    void results_do_not_depend_on_thread_count() {
        // Large enough to fork: several images, forward chunks and filter-gradient groups per call.
        // Filter rows of 24 floats take the gathered paths, of 48 floats the direct forward path.
        checkThreadCounts(shape(6, 12, 12, 8, 3, 3, 64, 1, 1, Padding.SAME));
        checkThreadCounts(shape(3, 13, 11, 16, 3, 3, 24, 1, 2, Padding.SAME));
        // Two and three output channels on 200- and 20-pixel rows: PixelLanesForward's chunks in place and
        // (at 512 bits) packed, and PixelLanesFilterGradient's groups.
        checkThreadCounts(shape(2, 40, 200, 3, 7, 7, 2, 1, 1, Padding.SAME));
        checkThreadCounts(shape(40, 20, 20, 3, 5, 5, 3, 1, 1, Padding.SAME));
        // Sixteen output channels (the 12 x 1 tile at 512 bits, its last tile overlapping on 32-pixel rows),
        // and one, whose input gradient runs as a forward.
        checkThreadCounts(shape(4, 32, 32, 16, 3, 3, 16, 1, 1, Padding.SAME));
        checkThreadCounts(shape(4, 32, 32, 16, 3, 3, 1, 1, 1, Padding.SAME));
        // Patch rows 64 floats apart on 28-pixel rows: the forward's tiles of 14 pixels at 512 bits.
        checkThreadCounts(shape(6, 14, 28, 64, 3, 3, 64, 1, 1, Padding.SAME));
        // MNIST conv1's shape: at 512 bits SingleChannel3x3FilterGradient's groups.
        checkThreadCounts(shape(30, 28, 28, 1, 3, 3, 32, 1, 1, Padding.SAME));
    }

    /**
     * The forward with bias on small-integer input, filter and bias: every sum is an integer far below
     * 2^24, exact in float in any order, so the output must equal the scalar reference's exactly. A product
     * lost, counted twice or read from the wrong row could hide within {@link #check}'s rounding bound; not
     * here. No ReLU, which would hide the negative sums ({@link #check} covers it).
     */
    private void checkForwardExactly(Conv2dShape s) {
        float[] input = TestArrays.smallIntegers(random, s.inputLength(), 2);
        float[] filter = TestArrays.smallIntegers(random, s.filterLength(), 2);
        float[] bias = TestArrays.smallIntegers(random, s.outChannels(), 2);
        float[] expected = new float[s.outputLength()];
        float[] actual = filled(s.outputLength(), Float.NaN);
        ScalarConv2d.forward(s, input, filter, bias, false, expected);
        Conv2d.forward(s, input, filter, bias, false, actual);
        assertArrayEquals(expected, actual, 0f, s + " exact forward");
    }

    /**
     * backwardFilter and its bias gradient on small-integer input and output gradient: every sum is an
     * integer far below 2^24, exact in float in any order, so both must equal the definition's sums
     * (computed here in long). {@link #check}'s rounding bound grows with the pixel count until a lost
     * pixel hides in it; this one does not.
     */
    private void checkFilterGradientExactly(Conv2dShape s) {
        float[] input = TestArrays.smallIntegers(random, s.inputLength(), 2);
        float[] outputGrad = TestArrays.smallIntegers(random, s.outputLength(), 2);
        float[] filterGrad = new float[s.filterLength()];
        float[] biasGrad = new float[s.outChannels()];
        Conv2d.backwardFilter(s, input, outputGrad, filterGrad, biasGrad);
        long[] expectedFilterGrad = new long[s.filterLength()];
        long[] expectedBiasGrad = new long[s.outChannels()];
        int oc = s.outChannels();
        int c = s.inChannels();
        for (int n = 0; n < s.batch(); n++) {
            for (int y = 0; y < s.outHeight(); y++) {
                for (int x = 0; x < s.outWidth(); x++) {
                    int out = ((n * s.outHeight() + y) * s.outWidth() + x) * oc;
                    for (int o = 0; o < oc; o++) {
                        expectedBiasGrad[o] += (long) outputGrad[out + o];
                    }
                    for (int i = 0; i < s.filterHeight(); i++) {
                        int row = y * s.strideHeight() + i - s.padTop();
                        for (int j = 0; j < s.filterWidth(); j++) {
                            int column = x * s.strideWidth() + j - s.padLeft();
                            if (row < 0 || row >= s.inHeight() || column < 0 || column >= s.inWidth()) {
                                continue;
                            }
                            for (int k = 0; k < c; k++) {
                                long value = (long) input[((n * s.inHeight() + row) * s.inWidth() + column) * c + k];
                                int tap = ((i * s.filterWidth() + j) * c + k) * oc;
                                for (int o = 0; o < oc; o++) {
                                    expectedFilterGrad[tap + o] += value * (long) outputGrad[out + o];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < filterGrad.length; i++) {
            assertEquals(expectedFilterGrad[i], filterGrad[i], 0f, s + " exact filterGrad[" + i + "]");
        }
        for (int o = 0; o < oc; o++) {
            assertEquals(expectedBiasGrad[o], biasGrad[o], 0f, s + " exact biasGrad[" + o + "]");
        }
    }

    private void checkThreadCounts(Conv2dShape s) {
        float[] input = uniform(random, s.inputLength());
        float[] filter = uniform(random, s.filterLength());
        float[] bias = uniform(random, s.outChannels());
        float[] outputGrad = uniform(random, s.outputLength());
        int before = KernelThreads.threads();
        float[][] first = null;
        try {
            for (int threads : new int[] {1, 2, 5}) {
                KernelThreads.setThreads(threads);
                float[][] results = {new float[s.outputLength()], new float[s.inputLength()],
                        new float[s.filterLength()], new float[s.outChannels()]};
                Conv2d.forward(s, input, filter, bias, true, results[0]);
                Conv2d.backwardInput(s, filter, outputGrad, results[1]);
                Conv2d.backwardFilter(s, input, outputGrad, results[2], results[3]);
                if (first == null) {
                    first = results;
                } else {
                    for (int i = 0; i < results.length; i++) {
                        assertArrayEquals(first[i], results[i], 0f, s + " result " + i + " with " + threads + " threads");
                    }
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    @Test
    void workspace_does_not_grow_with_batch() throws Exception {
        // Gathered paths (filter rows of 2 x 8 = 16 floats) and direct forward (2 x 40 = 80 floats).
        checkWorkspace(3, 2, 8, 16);
        checkWorkspace(3, 2, 40, 24);
        // 1x1 stride 1: forward and backwardInput are Gemm calls, whose scratch counts too.
        checkWorkspace(1, 1, 40, 24);
        // Few output channels: the pixel-lane paths on 14-pixel rows (at 512 bits the forward's packed tiles)
        // and on 90 (planar rows read in place).
        checkWorkspace(7, 7, 3, 2);
        checkWorkspace(14, 90, 7, 7, 3, 2);
        // One output channel: the input gradient runs as a forward of another shape, with its own buffers.
        checkWorkspace(3, 3, 24, 1);
        checkWorkspace(14, 30, 5, 3, 40, 1);
        // 64 channels on 14-pixel rows: at 512 bits the forward's tiles of 14 pixels (their zero-padded rows and
        // 96 output channels in three 2-vector panels) must stay within the bound sized for the general tiles.
        checkWorkspace(3, 3, 64, 96);
        // One input channel, 3x3, 32 output channels: at 512 bits SingleChannel3x3FilterGradient's filter gradient.
        checkWorkspace(3, 3, 1, 32);
    }

    private void checkWorkspace(int filterHeight, int filterWidth, int channels, int outChannels) throws Exception {
        checkWorkspace(14, 14, filterHeight, filterWidth, channels, outChannels);
    }

    private void checkWorkspace(int height, int width, int filterHeight, int filterWidth, int channels,
                                int outChannels) throws Exception {
        Conv2dShape one = shape(1, height, width, channels, filterHeight, filterWidth, outChannels, 1, 1, Padding.SAME);
        Conv2dShape many = shape(9, height, width, channels, filterHeight, filterWidth, outChannels, 1, 1,
                Padding.SAME);
        assertEquals(Conv2d.workspaceFloats(one), Conv2d.workspaceFloats(many));
        assertEquals(Conv2d.workspaceFloats(one), Conv2d.workspaceFloats(
                shape(100_000, height, width, channels, filterHeight, filterWidth, outChannels, 1, 1, Padding.SAME)));
        if (!KernelBackend.isVectorized()) {
            assertEquals(0L, Conv2d.workspaceFloats(one));
            return;
        }
        // A fresh thread starts with empty scratch, so what it holds afterwards is what the calls used.
        long[] used = new long[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                float[] input = uniform(new Random(1), many.inputLength());
                float[] filter = uniform(new Random(2), many.filterLength());
                float[] outputGrad = uniform(new Random(3), many.outputLength());
                Conv2d.forward(many, input, filter, null, false, new float[many.outputLength()]);
                Conv2d.backwardInput(many, filter, outputGrad, new float[many.inputLength()]);
                Conv2d.backwardFilter(many, input, outputGrad, new float[many.filterLength()],
                        new float[many.outChannels()]);
                used[0] = VectorConv2d.scratchFloatsOfCurrentThread() + VectorGemm.scratchFloatsOfCurrentThread();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        assertTrue(used[0] > 0, "the calls used no scratch at all");
        assertTrue(used[0] <= Conv2d.workspaceFloats(one),
                "scratch " + used[0] + " floats > bound " + Conv2d.workspaceFloats(one));
    }

    /** Runs forward, backwardInput and backwardFilter through {@link Conv2d} and the reference. */
    private void check(Conv2dShape s, boolean withBias, boolean relu) {
        checked++;
        float[] input = uniform(random, s.inputLength());
        float[] filter = uniform(random, s.filterLength());
        float[] bias = withBias ? uniform(random, s.outChannels()) : null;
        float[] outputGrad = uniform(random, s.outputLength());

        float[] expected = new float[s.outputLength()];
        float[] actual = filled(s.outputLength(), Float.NaN);
        ScalarConv2d.forward(s, input, filter, bias, relu, expected);
        Conv2d.forward(s, input, filter, bias, relu, actual);
        assertClose(s + " forward", expected, actual, forwardBound(s, input, filter, bias));

        float[] expectedInputGrad = new float[s.inputLength()];
        float[] actualInputGrad = filled(s.inputLength(), Float.NaN);
        ScalarConv2d.backwardInput(s, filter, outputGrad, expectedInputGrad);
        Conv2d.backwardInput(s, filter, outputGrad, actualInputGrad);
        float[] inputGradMagnitude = new float[s.inputLength()];
        ScalarConv2d.backwardInput(s, abs(filter), abs(outputGrad), inputGradMagnitude);
        long inputTerms = (long) s.filterHeight() * s.filterWidth() * s.outChannels();
        assertClose(s + " backwardInput", expectedInputGrad, actualInputGrad, bound(inputTerms, inputGradMagnitude));

        float[] expectedFilterGrad = new float[s.filterLength()];
        float[] expectedBiasGrad = new float[s.outChannels()];
        float[] actualFilterGrad = filled(s.filterLength(), Float.NaN);
        float[] actualBiasGrad = filled(s.outChannels(), Float.NaN);
        ScalarConv2d.backwardFilter(s, input, outputGrad, expectedFilterGrad, expectedBiasGrad);
        Conv2d.backwardFilter(s, input, outputGrad, actualFilterGrad, withBias ? actualBiasGrad : null);
        float[] filterGradMagnitude = new float[s.filterLength()];
        float[] biasGradMagnitude = new float[s.outChannels()];
        ScalarConv2d.backwardFilter(s, abs(input), abs(outputGrad), filterGradMagnitude, biasGradMagnitude);
        long pixels = s.outputPixels();
        assertClose(s + " backwardFilter", expectedFilterGrad, actualFilterGrad, bound(pixels, filterGradMagnitude));
        if (withBias) {
            assertClose(s + " bias gradient", expectedBiasGrad, actualBiasGrad, bound(pixels, biasGradMagnitude));
        }
        if (relu) {
            checkFusedReluMask(s, input, expected, outputGrad, withBias);
        }
    }

    /**
     * backwardFilter through the forward's ReLU output: the reference masks with the scalar ReLU backward
     * and then runs the plain filter gradient; the fused call must leave exactly that mask in outputGrad.
     */
    private static void checkFusedReluMask(Conv2dShape s, float[] input, float[] reluOutput, float[] outputGrad,
                                           boolean withBias) {
        float[] masked = new float[s.outputLength()];
        ScalarRelu.backward(reluOutput, outputGrad, masked, 0, masked.length);
        float[] expectedFilterGrad = new float[s.filterLength()];
        float[] expectedBiasGrad = new float[s.outChannels()];
        ScalarConv2d.backwardFilter(s, input, masked, expectedFilterGrad, expectedBiasGrad);

        float[] fusedGrad = outputGrad.clone();
        float[] actualFilterGrad = filled(s.filterLength(), Float.NaN);
        float[] actualBiasGrad = filled(s.outChannels(), Float.NaN);
        Conv2d.backwardFilter(s, input, fusedGrad, actualFilterGrad, withBias ? actualBiasGrad : null, reluOutput);
        assertArrayEquals(masked, fusedGrad, s + " outputGrad after the fused ReLU mask");
        checkFilterGradientOnly(s, input, reluOutput, outputGrad, masked, actualFilterGrad,
                withBias ? actualBiasGrad : null);

        float[] filterGradMagnitude = new float[s.filterLength()];
        float[] biasGradMagnitude = new float[s.outChannels()];
        ScalarConv2d.backwardFilter(s, abs(input), abs(masked), filterGradMagnitude, biasGradMagnitude);
        long pixels = s.outputPixels();
        assertClose(s + " backwardFilter through ReLU", expectedFilterGrad, actualFilterGrad,
                bound(pixels, filterGradMagnitude));
        if (withBias) {
            assertClose(s + " bias gradient through ReLU", expectedBiasGrad, actualBiasGrad,
                    bound(pixels, biasGradMagnitude));
        }
    }

    /**
     * {@link Conv2d#backwardFilterOnly} gives the fused call's gradients bit for bit and leaves
     * {@code outputGrad} either masked or as it was, whole.
     */
    private static void checkFilterGradientOnly(Conv2dShape s, float[] input, float[] reluOutput, float[] outputGrad,
                                                float[] masked, float[] fusedFilterGrad, float[] fusedBiasGrad) {
        float[] grad = outputGrad.clone();
        float[] filterGrad = filled(s.filterLength(), Float.NaN);
        float[] biasGrad = fusedBiasGrad == null ? null : filled(s.outChannels(), Float.NaN);
        Conv2d.backwardFilterOnly(s, input, grad, filterGrad, biasGrad, reluOutput);
        assertArrayEquals(fusedFilterGrad, filterGrad, s + " backwardFilterOnly's filter gradient");
        if (biasGrad != null) {
            assertArrayEquals(fusedBiasGrad, biasGrad, s + " backwardFilterOnly's bias gradient");
        }
        assertTrue(Arrays.equals(grad, masked) || Arrays.equals(grad, outputGrad),
                s + ": backwardFilterOnly left outputGrad neither masked nor as it was");
    }

    private static double[] forwardBound(Conv2dShape s, float[] input, float[] filter, float[] bias) {
        float[] magnitude = new float[s.outputLength()];
        ScalarConv2d.forward(s, abs(input), abs(filter), bias == null ? null : abs(bias), false, magnitude);
        return bound(s.patchLength() + 1L, magnitude);
    }

    private static double[] bound(long terms, float[] magnitude) {
        double[] tolerance = new double[magnitude.length];
        for (int i = 0; i < magnitude.length; i++) {
            tolerance[i] = twoSumBound(terms, magnitude[i]);
        }
        return tolerance;
    }

    private static void assertClose(String what, float[] expected, float[] actual, double[] tolerance) {
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) expected[i] - actual[i]);
            if (!(error <= tolerance[i])) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was "
                        + actual[i] + " (tolerance " + tolerance[i] + ")");
            }
        }
    }

    private static float[] filled(int length, float value) {
        float[] a = new float[length];
        Arrays.fill(a, value);
        return a;
    }

    private static void assertTail(float[] a, int from) {
        for (int i = from; i < a.length; i++) {
            assertEquals(42f, a[i], "element " + i + " past the shape's length was written");
        }
    }
}
