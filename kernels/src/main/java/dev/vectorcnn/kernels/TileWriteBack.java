package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes a micro-kernel's raw tile into C: {@code c = act(tile + (accumulate ? c : 0) + bias)} for the
 * first {@code rows} rows and {@code cols} columns. Full vectors take the unmasked path; the ragged
 * right edge uses a mask, so nothing past column {@code cols} or row {@code rows} is touched. The vectors
 * live in this method's locals: called with arrays only, nothing is boxed even when C2 does not inline it.
 */
final class TileWriteBack {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private TileWriteBack() {
    }

    /**
     * @param tile        the micro-kernel's output, rows of {@code tileColumns} floats from {@code tileIndex}
     * @param cols        columns of C left from {@code cIndex}; only {@code min(cols, tileColumns)} are written
     * @param accumulate  whether to add to C (a later block of a reduction) rather than overwrite it
     * @param bias        per-column bias from {@code biasIndex}, or null
     */
    static void write(float[] tile, int tileIndex, int tileColumns, int rows, int cols, float[] c, int cIndex, int ldc,
                      boolean accumulate, float[] bias, int biasIndex, boolean relu) {
        int lanes = SPECIES.length();
        int width = Math.min(cols, tileColumns);
        int full = width - width % lanes;
        VectorMask<Float> edge = SPECIES.indexInRange(full, width);
        for (int i = 0; i < rows; i++) {
            int t = tileIndex + i * tileColumns;
            int row = cIndex + i * ldc;
            for (int j = 0; j < full; j += lanes) {
                FloatVector v = FloatVector.fromArray(SPECIES, tile, t + j);
                if (accumulate) {
                    v = v.add(FloatVector.fromArray(SPECIES, c, row + j));
                }
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, bias, biasIndex + j));
                }
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(c, row + j);
            }
            if (full < width) {
                FloatVector v = FloatVector.fromArray(SPECIES, tile, t + full);
                if (accumulate) {
                    v = v.add(FloatVector.fromArray(SPECIES, c, row + full, edge));
                }
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(SPECIES, bias, biasIndex + full, edge));
                }
                if (relu) {
                    v = v.max(0f);
                }
                v.intoArray(c, row + full, edge);
            }
        }
    }
}
