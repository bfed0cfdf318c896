package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of {@link PixelLanesFilterGradient}: sums of {@code patch[tap] * outputGrad[channel]}
 * over a block of output pixels, pixels in the vector lanes, for a tile of taps x channels held in 24
 * accumulators: 12 taps x 2 channels (each patch vector feeds 2 FMAs) or 4 taps x 6 channels (each feeds 6).
 * Per step of a vector of pixels: one load per tap from {@link PlanarRows} and one per channel from the
 * block's transposed output gradient, and 24 FMAs. The 24 vectors of sums go to {@code tile}, vector
 * {@code tap * channels + channel} at {@code (tap * channels + channel) * lanes}, for the caller to add to
 * its own ({@code reduceLanes(ADD)} would leave the order of the lanes to the implementation, which could
 * change a result's last bits from one compilation to the next).
 *
 * <p>Each output row runs over whole vectors: a row's last vector reads patch values past the row's end,
 * which meet the zeros that pad the gradient rows to whole vectors (the caller makes sure those patch
 * values are finite, and that the reads stay inside {@code rows}). No masked loads: with 12 of them the
 * method was too large for C1's register allocator, which left it in unoptimised code for good (0.5
 * GFLOP/s). Explicit accumulator locals and nothing but the loop and the stores, as in
 * {@link GemmMicroKernel6x4}, so that nothing is boxed.
 */
final class PixelLanesFilterMicroKernel {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Taps of the 2-channel tile. */
    static final int TAPS_OF_TWO = 12;

    /** Taps of the 6-channel tile. */
    static final int TAPS_OF_SIX = 4;

    private PixelLanesFilterMicroKernel() {
    }

    /**
     * 12 taps x 2 channels, over {@code vectors} vectors of each of {@code outRows} output rows. Output row g
     * reads its planar rows from {@code rows[rowStarts[g]]} and channel c's gradient from
     * {@code grad[gradRows[c] + g * pitch]}; tap t lies {@code taps[tapIndex + t]} past the planar row start.
     */
    static void twelveTapsTwoChannels(float[] rows, int[] rowStarts, int outRows, int vectors, int[] taps, int tapIndex,
                                      float[] grad, int[] gradRows, int pitch, float[] tile) {
        final int lanes = SPECIES.length();
        final int width = vectors * lanes;
        final int t0 = taps[tapIndex];
        final int t1 = taps[tapIndex + 1];
        final int t2 = taps[tapIndex + 2];
        final int t3 = taps[tapIndex + 3];
        final int t4 = taps[tapIndex + 4];
        final int t5 = taps[tapIndex + 5];
        final int t6 = taps[tapIndex + 6];
        final int t7 = taps[tapIndex + 7];
        final int t8 = taps[tapIndex + 8];
        final int t9 = taps[tapIndex + 9];
        final int t10 = taps[tapIndex + 10];
        final int t11 = taps[tapIndex + 11];
        final int g0 = gradRows[0];
        final int g1 = gradRows[1];
        FloatVector s0_0 = FloatVector.zero(SPECIES), s0_1 = FloatVector.zero(SPECIES);
        FloatVector s1_0 = FloatVector.zero(SPECIES), s1_1 = FloatVector.zero(SPECIES);
        FloatVector s2_0 = FloatVector.zero(SPECIES), s2_1 = FloatVector.zero(SPECIES);
        FloatVector s3_0 = FloatVector.zero(SPECIES), s3_1 = FloatVector.zero(SPECIES);
        FloatVector s4_0 = FloatVector.zero(SPECIES), s4_1 = FloatVector.zero(SPECIES);
        FloatVector s5_0 = FloatVector.zero(SPECIES), s5_1 = FloatVector.zero(SPECIES);
        FloatVector s6_0 = FloatVector.zero(SPECIES), s6_1 = FloatVector.zero(SPECIES);
        FloatVector s7_0 = FloatVector.zero(SPECIES), s7_1 = FloatVector.zero(SPECIES);
        FloatVector s8_0 = FloatVector.zero(SPECIES), s8_1 = FloatVector.zero(SPECIES);
        FloatVector s9_0 = FloatVector.zero(SPECIES), s9_1 = FloatVector.zero(SPECIES);
        FloatVector s10_0 = FloatVector.zero(SPECIES), s10_1 = FloatVector.zero(SPECIES);
        FloatVector s11_0 = FloatVector.zero(SPECIES), s11_1 = FloatVector.zero(SPECIES);
        for (int g = 0; g < outRows; g++) {
            final int row = rowStarts[g];
            final int gradRow = g * pitch;
            for (int x = 0; x < width; x += lanes) {
                final int at = row + x;
                final FloatVector d0 = FloatVector.fromArray(SPECIES, grad, g0 + gradRow + x);
                final FloatVector d1 = FloatVector.fromArray(SPECIES, grad, g1 + gradRow + x);
                FloatVector p;
                p = FloatVector.fromArray(SPECIES, rows, at + t0); s0_0 = p.fma(d0, s0_0); s0_1 = p.fma(d1, s0_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t1); s1_0 = p.fma(d0, s1_0); s1_1 = p.fma(d1, s1_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t2); s2_0 = p.fma(d0, s2_0); s2_1 = p.fma(d1, s2_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t3); s3_0 = p.fma(d0, s3_0); s3_1 = p.fma(d1, s3_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t4); s4_0 = p.fma(d0, s4_0); s4_1 = p.fma(d1, s4_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t5); s5_0 = p.fma(d0, s5_0); s5_1 = p.fma(d1, s5_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t6); s6_0 = p.fma(d0, s6_0); s6_1 = p.fma(d1, s6_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t7); s7_0 = p.fma(d0, s7_0); s7_1 = p.fma(d1, s7_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t8); s8_0 = p.fma(d0, s8_0); s8_1 = p.fma(d1, s8_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t9); s9_0 = p.fma(d0, s9_0); s9_1 = p.fma(d1, s9_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t10); s10_0 = p.fma(d0, s10_0); s10_1 = p.fma(d1, s10_1);
                p = FloatVector.fromArray(SPECIES, rows, at + t11); s11_0 = p.fma(d0, s11_0); s11_1 = p.fma(d1, s11_1);
            }
        }
        s0_0.intoArray(tile, 0);
        s0_1.intoArray(tile, lanes);
        s1_0.intoArray(tile, 2 * lanes);
        s1_1.intoArray(tile, 3 * lanes);
        s2_0.intoArray(tile, 4 * lanes);
        s2_1.intoArray(tile, 5 * lanes);
        s3_0.intoArray(tile, 6 * lanes);
        s3_1.intoArray(tile, 7 * lanes);
        s4_0.intoArray(tile, 8 * lanes);
        s4_1.intoArray(tile, 9 * lanes);
        s5_0.intoArray(tile, 10 * lanes);
        s5_1.intoArray(tile, 11 * lanes);
        s6_0.intoArray(tile, 12 * lanes);
        s6_1.intoArray(tile, 13 * lanes);
        s7_0.intoArray(tile, 14 * lanes);
        s7_1.intoArray(tile, 15 * lanes);
        s8_0.intoArray(tile, 16 * lanes);
        s8_1.intoArray(tile, 17 * lanes);
        s9_0.intoArray(tile, 18 * lanes);
        s9_1.intoArray(tile, 19 * lanes);
        s10_0.intoArray(tile, 20 * lanes);
        s10_1.intoArray(tile, 21 * lanes);
        s11_0.intoArray(tile, 22 * lanes);
        s11_1.intoArray(tile, 23 * lanes);
    }

    /** 4 taps x 6 channels; arguments as for {@link #twelveTapsTwoChannels}, {@code gradRows} holding 6 rows. */
    static void fourTapsSixChannels(float[] rows, int[] rowStarts, int outRows, int vectors, int[] taps, int tapIndex,
                                    float[] grad, int[] gradRows, int pitch, float[] tile) {
        final int lanes = SPECIES.length();
        final int width = vectors * lanes;
        final int t0 = taps[tapIndex];
        final int t1 = taps[tapIndex + 1];
        final int t2 = taps[tapIndex + 2];
        final int t3 = taps[tapIndex + 3];
        final int g0 = gradRows[0];
        final int g1 = gradRows[1];
        final int g2 = gradRows[2];
        final int g3 = gradRows[3];
        final int g4 = gradRows[4];
        final int g5 = gradRows[5];
        FloatVector s0_0 = FloatVector.zero(SPECIES), s0_1 = FloatVector.zero(SPECIES), s0_2 = FloatVector.zero(SPECIES), s0_3 = FloatVector.zero(SPECIES), s0_4 = FloatVector.zero(SPECIES), s0_5 = FloatVector.zero(SPECIES);
        FloatVector s1_0 = FloatVector.zero(SPECIES), s1_1 = FloatVector.zero(SPECIES), s1_2 = FloatVector.zero(SPECIES), s1_3 = FloatVector.zero(SPECIES), s1_4 = FloatVector.zero(SPECIES), s1_5 = FloatVector.zero(SPECIES);
        FloatVector s2_0 = FloatVector.zero(SPECIES), s2_1 = FloatVector.zero(SPECIES), s2_2 = FloatVector.zero(SPECIES), s2_3 = FloatVector.zero(SPECIES), s2_4 = FloatVector.zero(SPECIES), s2_5 = FloatVector.zero(SPECIES);
        FloatVector s3_0 = FloatVector.zero(SPECIES), s3_1 = FloatVector.zero(SPECIES), s3_2 = FloatVector.zero(SPECIES), s3_3 = FloatVector.zero(SPECIES), s3_4 = FloatVector.zero(SPECIES), s3_5 = FloatVector.zero(SPECIES);
        for (int g = 0; g < outRows; g++) {
            final int row = rowStarts[g];
            final int gradRow = g * pitch;
            for (int x = 0; x < width; x += lanes) {
                final int at = row + x;
                final FloatVector p0 = FloatVector.fromArray(SPECIES, rows, at + t0);
                final FloatVector p1 = FloatVector.fromArray(SPECIES, rows, at + t1);
                final FloatVector p2 = FloatVector.fromArray(SPECIES, rows, at + t2);
                final FloatVector p3 = FloatVector.fromArray(SPECIES, rows, at + t3);
                FloatVector d;
                d = FloatVector.fromArray(SPECIES, grad, g0 + gradRow + x);
                s0_0 = p0.fma(d, s0_0); s1_0 = p1.fma(d, s1_0); s2_0 = p2.fma(d, s2_0); s3_0 = p3.fma(d, s3_0);
                d = FloatVector.fromArray(SPECIES, grad, g1 + gradRow + x);
                s0_1 = p0.fma(d, s0_1); s1_1 = p1.fma(d, s1_1); s2_1 = p2.fma(d, s2_1); s3_1 = p3.fma(d, s3_1);
                d = FloatVector.fromArray(SPECIES, grad, g2 + gradRow + x);
                s0_2 = p0.fma(d, s0_2); s1_2 = p1.fma(d, s1_2); s2_2 = p2.fma(d, s2_2); s3_2 = p3.fma(d, s3_2);
                d = FloatVector.fromArray(SPECIES, grad, g3 + gradRow + x);
                s0_3 = p0.fma(d, s0_3); s1_3 = p1.fma(d, s1_3); s2_3 = p2.fma(d, s2_3); s3_3 = p3.fma(d, s3_3);
                d = FloatVector.fromArray(SPECIES, grad, g4 + gradRow + x);
                s0_4 = p0.fma(d, s0_4); s1_4 = p1.fma(d, s1_4); s2_4 = p2.fma(d, s2_4); s3_4 = p3.fma(d, s3_4);
                d = FloatVector.fromArray(SPECIES, grad, g5 + gradRow + x);
                s0_5 = p0.fma(d, s0_5); s1_5 = p1.fma(d, s1_5); s2_5 = p2.fma(d, s2_5); s3_5 = p3.fma(d, s3_5);
            }
        }
        s0_0.intoArray(tile, 0);
        s0_1.intoArray(tile, lanes);
        s0_2.intoArray(tile, 2 * lanes);
        s0_3.intoArray(tile, 3 * lanes);
        s0_4.intoArray(tile, 4 * lanes);
        s0_5.intoArray(tile, 5 * lanes);
        s1_0.intoArray(tile, 6 * lanes);
        s1_1.intoArray(tile, 7 * lanes);
        s1_2.intoArray(tile, 8 * lanes);
        s1_3.intoArray(tile, 9 * lanes);
        s1_4.intoArray(tile, 10 * lanes);
        s1_5.intoArray(tile, 11 * lanes);
        s2_0.intoArray(tile, 12 * lanes);
        s2_1.intoArray(tile, 13 * lanes);
        s2_2.intoArray(tile, 14 * lanes);
        s2_3.intoArray(tile, 15 * lanes);
        s2_4.intoArray(tile, 16 * lanes);
        s2_5.intoArray(tile, 17 * lanes);
        s3_0.intoArray(tile, 18 * lanes);
        s3_1.intoArray(tile, 19 * lanes);
        s3_2.intoArray(tile, 20 * lanes);
        s3_3.intoArray(tile, 21 * lanes);
        s3_4.intoArray(tile, 22 * lanes);
        s3_5.intoArray(tile, 23 * lanes);
    }
}
