package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes one accumulator vector of a GEMM tile back to C, applying alpha, beta and the
 * {@link Epilogue} on the way: {@code c = act(alpha*acc + beta*c + bias)}. Full vectors take the
 * unmasked path; the ragged right edge of C uses a mask, so no tile ever writes past column n.
 */
final class GemmWriteBack {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private GemmWriteBack() {
    }

    /** Stores {@code min(colsLeft, lanes)} columns of {@code acc} at {@code c[cIndex]}; nothing if colsLeft <= 0. */
    static void store(FloatVector acc, float[] c, int cIndex, int colsLeft, float alpha, float beta,
                      float[] bias, int biasIndex, boolean relu) {
        if (colsLeft <= 0) {
            return;
        }
        FloatVector v = acc.mul(alpha);
        if (colsLeft >= SPECIES.length()) {
            if (beta != 0f) {
                v = v.add(FloatVector.fromArray(SPECIES, c, cIndex).mul(beta));
            }
            if (bias != null) {
                v = v.add(FloatVector.fromArray(SPECIES, bias, biasIndex));
            }
            if (relu) {
                v = v.max(0f);
            }
            v.intoArray(c, cIndex);
        } else {
            VectorMask<Float> mask = SPECIES.indexInRange(0, colsLeft);
            if (beta != 0f) {
                v = v.add(FloatVector.fromArray(SPECIES, c, cIndex, mask).mul(beta));
            }
            if (bias != null) {
                v = v.add(FloatVector.fromArray(SPECIES, bias, biasIndex, mask));
            }
            if (relu) {
                v = v.max(0f);
            }
            v.intoArray(c, cIndex, mask);
        }
    }
}
