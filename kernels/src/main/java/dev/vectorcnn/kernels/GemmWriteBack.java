package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes a micro-kernel's tile into C, applying alpha, beta and the {@link Epilogue} on the way:
 * {@code c = act(alpha*tile + beta*c + bias)} for the first {@code rows} rows and {@code cols} columns.
 * Full vectors take the unmasked path; the ragged right edge uses a mask, so nothing past column
 * {@code cols} or row {@code rows} is touched. The convolution uses it with alpha 1 and beta 0
 * (overwrite) or 1 (add a later block of a reduction).
 *
 * <p>Kept apart from the micro-kernels on purpose (see {@link GemmMicroKernel6x4}): the vectors live in
 * this method's locals and it takes arrays only, so nothing is boxed even when C2 does not inline it,
 * and the tile's round trip through L1 (at most 1.5 KiB) costs nothing next to the kc x 24 FMAs that
 * produced it.
 */
final class GemmWriteBack {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private GemmWriteBack() {
    }

    /**
     * {@code C[rows x cols] = act(alpha * tile + beta * C + bias)}. C is not read when beta is 0.
     *
     * @param tile        the micro-kernel's output, rows of {@code tileColumns} floats from {@code tileIndex}
     * @param cols        columns of C left from {@code cIndex}; only {@code min(cols, tileColumns)} are written
     * @param bias        per-column bias from {@code biasIndex}, or null
     */
    static void apply(float[] tile, int tileIndex, int tileColumns, int rows, int cols, float[] c, int cIndex,
                      int ldc, float alpha, float beta, float[] bias, int biasIndex, boolean relu) {
        final int lanes = SPECIES.length();
        final int width = Math.min(cols, tileColumns);
        // The ReLU is Math.max(v, 0) as a compare and a blend (VectorRelu says why).
        final FloatVector zero = FloatVector.zero(SPECIES);
        // Columns outermost: each bias vector is loaded once and the inner loop runs over the rows.
        for (int j = 0; j < width; j += lanes) {
            boolean full = j + lanes <= width;
            VectorMask<Float> mask = SPECIES.indexInRange(j, width);
            FloatVector b = bias == null ? FloatVector.zero(SPECIES)
                    : full ? FloatVector.fromArray(SPECIES, bias, biasIndex + j)
                    : FloatVector.fromArray(SPECIES, bias, biasIndex + j, mask);
            for (int r = 0; r < rows; r++) {
                int t = tileIndex + r * tileColumns + j;
                int at = cIndex + r * ldc + j;
                FloatVector v = FloatVector.fromArray(SPECIES, tile, t).mul(alpha);
                if (full) {
                    if (beta != 0f) {
                        v = v.add(FloatVector.fromArray(SPECIES, c, at).mul(beta));
                    }
                    v = v.add(b);
                    if (relu) {
                        v = v.blend(zero, v.compare(VectorOperators.LE, zero));
                    }
                    v.intoArray(c, at);
                } else {
                    if (beta != 0f) {
                        v = v.add(FloatVector.fromArray(SPECIES, c, at, mask).mul(beta));
                    }
                    v = v.add(b);
                    if (relu) {
                        v = v.blend(zero, v.compare(VectorOperators.LE, zero));
                    }
                    v.intoArray(c, at, mask);
                }
            }
        }
    }
}
