package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReLU on the Vector API, full vectors then a scalar tail. Lane-wise {@code max} follows
 * {@link Math#max} (NaN in, NaN out; max(-0.0, 0) = 0), so results are bitwise those of
 * {@link ScalarRelu}. Works on {@code [start, end)}; arguments are trusted (checked by {@link Relu}).
 */
final class VectorRelu {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorRelu() {
    }

    static void forward(float[] x, float[] y, int start, int end) {
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, x, i).max(0f).intoArray(y, i);
        }
        ScalarRelu.forward(x, y, i, end);
    }

    static void backward(float[] y, float[] dy, float[] dx, int start, int end) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector positive = FloatVector.fromArray(SPECIES, y, i);
            zero.blend(FloatVector.fromArray(SPECIES, dy, i), positive.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        ScalarRelu.backward(y, dy, dx, i, end);
    }
}
