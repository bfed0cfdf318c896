package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes a micro-kernel's tile back to C, applying alpha, beta and the {@link Epilogue} on the way:
 * {@code c = act(alpha*tile + beta*c + bias)}. Full vectors take the unmasked path; the ragged right
 * edge of C uses a mask, so no tile ever writes past column n or row m.
 *
 * <p>Kept apart from the micro-kernels on purpose (see {@link GemmMicroKernel6x4}): the tile makes a
 * round trip through L1 (at most 1.5 KiB), which costs nothing next to the kc x 24 FMAs that produced it.
 */
final class GemmWriteBack {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private GemmWriteBack() {
    }

    /**
     * {@code C[rows x cols] = act(alpha * tile + beta * C + bias)}, where {@code tile} holds rows of
     * {@code tileColumns} floats. C is not read when beta is 0.
     */
    static void apply(float[] tile, int tileColumns, int rows, int cols, float[] c, int cIndex, int ldc,
                      float alpha, float beta, float[] bias, int biasIndex, boolean relu) {
        final int lanes = SPECIES.length();
        final int width = Math.min(cols, tileColumns);
        for (int r = 0; r < rows; r++) {
            int t = r * tileColumns;
            int ci = cIndex + r * ldc;
            int j = 0;
            for (; j + lanes <= width; j += lanes) {
                FloatVector v = FloatVector.fromArray(SPECIES, tile, t + j).mul(alpha);
                if (beta != 0f) {
                    v = v.add(FloatVector.fromArray(SPECIES, c, ci + j).mul(beta));
                }
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, bias, biasIndex + j));
                }
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(c, ci + j);
            }
            if (j < width) {
                VectorMask<Float> mask = SPECIES.indexInRange(j, width);
                FloatVector v = FloatVector.fromArray(SPECIES, tile, t + j).mul(alpha);
                if (beta != 0f) {
                    v = v.add(FloatVector.fromArray(SPECIES, c, ci + j, mask).mul(beta));
                }
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, bias, biasIndex + j, mask));
                }
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(c, ci + j, mask);
            }
        }
    }
}
