package dev.vectorcnn.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Input rows of a convolution copied zero-padded and <em>planar</em>, the layout of the paths that put
 * output pixels in the vector lanes ({@link PixelLanesForward}, {@link PixelLanesFilterGradient}): one
 * filter tap's values for adjacent output pixels of a row are adjacent floats, so a vector load reads
 * one tap for a run of pixels.
 *
 * <p>A row holds {@code C * strideWidth} runs of {@code phaseLength} floats, each followed by {@code slack}
 * zeros: run {@code c * strideWidth + phase} holds channel c at padded columns
 * {@code x = x' * strideWidth + phase}, padded column x being input column {@code x - padLeft}. Output
 * pixel ox's tap (kh, kw, c) lies {@link #tapOffsets tap offset} + ox floats past its output row's first
 * planar row. The slack lets a vector that starts at a row's last pixels read zeros past the run's end
 * instead of the next run, or of a row left by an earlier call.
 */
final class PlanarRows {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private final Conv2dShape s;
    /** Padded columns every window of an output row covers. */
    private final int paddedWidth;
    private final int phaseLength;
    private final int runFloats;
    /** Floats of one planar input row. */
    final int rowFloats;

    /** The layout for {@code s}, each run followed by {@code slack} zeros. */
    PlanarRows(Conv2dShape s, int slack) {
        this.s = s;
        paddedWidth = Checks.product("planar padded width", (long) (s.outWidth() - 1) * s.strideWidth()
                + s.filterWidth());
        phaseLength = Math.ceilDiv(paddedWidth, s.strideWidth());
        runFloats = Checks.product("planar input run", (long) phaseLength + slack);
        rowFloats = Checks.product("planar input row", s.inChannels(), s.strideWidth(), runFloats);
    }

    /**
     * Output rows for a chunk or block of about {@code pixels} output pixels, fewer where their rows would
     * pass {@link VectorConv2d#PATCH_BLOCK_FLOATS}, and at least one. The rows are shared by the vertically
     * overlapping windows of its output rows, so longer ones copy each input row fewer times (7x7
     * filters, stride 1: 10 rows for 4 output rows against 7 for 1).
     */
    int outputRowsFor(int pixels) {
        long floatsPerOutputRow = (long) s.filterHeight() * rowFloats;
        long rows = Math.min(Math.ceilDiv(pixels, s.outWidth()), VectorConv2d.PATCH_BLOCK_FLOATS / floatsPerOutputRow);
        return (int) Math.max(1, rows);
    }

    /** Floats of the rows {@code outRows} output rows need: at most KH new rows per output row. */
    int floats(int outRows) {
        return Checks.product("convolution planar rows", outRows, s.filterHeight(), rowFloats);
    }

    /**
     * {@code taps[index + p]}: where patch column p of an output row's first pixel lies past its first planar
     * row, for a patch of {@code filterHeight} filter rows (the filter's, or more: see
     * {@code PixelLanesForward.stackedRows}).
     */
    void tapOffsets(int[] taps, int index, int filterHeight) {
        int channels = s.inChannels();
        int strideWidth = s.strideWidth();
        for (int kh = 0, p = index; kh < filterHeight; kh++) {
            for (int kw = 0; kw < s.filterWidth(); kw++) {
                for (int c = 0; c < channels; c++, p++) {
                    taps[p] = kh * rowFloats + (c * strideWidth + kw % strideWidth) * runFloats + kw / strideWidth;
                }
            }
        }
    }

    /**
     * Copies the input rows the windows of output rows {@code [firstOutRow, firstOutRow + outRows)}
     * (over {@code N*OH}) cover, each once ({@link WindowRows}), so that filter row kh of an output row lies
     * {@code kh * rowFloats} after its first, and sets {@code rowStarts[g]} to where output row g's first
     * filter row starts.
     */
    void copy(float[] input, int firstOutRow, int outRows, float[] rows, int[] rowStarts) {
        WindowRows.store(s, firstOutRow, outRows, this, input, rows, rowFloats, rowStarts, 1,
                (planar, source, target, rowFloats, image, inputRow, index) ->
                        planar.copyRow(source, image, inputRow, target, index, false));
    }

    /**
     * {@link #copy}, and returns whether every value copied is finite, for the callers that treat
     * infinities and NaN apart. The check, a lane reduction per channel run, cost the pixel-lane forward
     * on 12 channels, which ignores it unless it stacks rows, about 10% (harness, 4 JVMs each: 49.8-62.6
     * against 49.6-58.1 GFLOP/s; 8 channels 37.1-39.8 against 29.3-36.4).
     */
    boolean copyCheckingFinite(float[] input, int firstOutRow, int outRows, float[] rows, int[] rowStarts) {
        float probe = WindowRows.store(s, firstOutRow, outRows, this, input, rows, rowFloats, rowStarts, 1,
                (planar, source, target, rowFloats, image, inputRow, index) ->
                        planar.copyRow(source, image, inputRow, target, index, true));
        return probe == 0f;
    }

    /**
     * Copies one row; with {@code checkFinite}, returns 0 when every value copied is finite and NaN
     * otherwise, else 0.
     */
    private float copyRow(float[] input, int image, int inputRow, float[] rows, int rowIndex, boolean checkFinite) {
        if (inputRow < 0 || inputRow >= s.inHeight()) {
            Arrays.fill(rows, rowIndex, rowIndex + rowFloats, 0f);
            return 0f;
        }
        float probe = 0f;
        int channels = s.inChannels();
        int strideWidth = s.strideWidth();
        int padLeft = s.padLeft();
        int rowStart = (image * s.inHeight() + inputRow) * s.inWidth() * channels;
        // Padded columns below this one hold input; those from padLeft on do too.
        int endColumn = Math.min(paddedWidth, s.inWidth() + padLeft);
        // Phases from KW on hold columns no window reads (a stride above the filter width): left unwritten.
        for (int phase = 0; phase < Math.min(strideWidth, s.filterWidth()); phase++) {
            // Run element i is padded column phase + i * strideWidth.
            int from = Math.min(phaseLength, Math.max(0, Math.ceilDiv(padLeft - phase, strideWidth)));
            int to = Math.min(phaseLength, Math.max(from, Math.ceilDiv(endColumn - phase, strideWidth)));
            int source = rowStart + (phase + from * strideWidth - padLeft) * channels;
            for (int c = 0; c < channels; c++) {
                int run = rowIndex + (c * strideWidth + phase) * runFloats;
                Arrays.fill(rows, run, run + from, 0f);
                if (channels == 1 && strideWidth == 1) {
                    PatchRows.copy(input, source, rows, run + from, to - from);
                } else {
                    int step = strideWidth * channels;
                    for (int i = from, at = source + c; i < to; i++, at += step) {
                        rows[run + i] = input[at];
                    }
                }
                if (checkFinite) {
                    // Checked afterwards with vectors: a scalar running probe is a chain of dependent additions.
                    probe += probe(rows, run + from, to - from);
                }
                Arrays.fill(rows, run + to, run + runFloats, 0f);
            }
        }
        return probe;
    }

    /** 0 when {@code a[from, from + length)} is all finite, NaN otherwise ({@code x * 0} is NaN for no finite x). */
    private static float probe(float[] a, int from, int length) {
        int lanes = SPECIES.length();
        FloatVector probe = FloatVector.zero(SPECIES);
        for (int i = 0; i < length; i += lanes) {
            VectorMask<Float> part = SPECIES.indexInRange(i, length);
            probe = probe.add(FloatVector.fromArray(SPECIES, a, from + i, part).mul(0f));
        }
        return probe.reduceLanes(VectorOperators.MAX);
    }
}
