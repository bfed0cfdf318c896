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
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector output = FloatVector.fromArray(SPECIES, y, i);
            // Multiply by a 1/0 mask rather than blend dy with zero, as ScalarRelu does: dy * 0 keeps
            // TensorFlow's NaN for a non-finite dy and -0.0 for a negative one at a dead unit.
            FloatVector mask = zero.blend(one, output.compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(SPECIES, dy, i).mul(mask).intoArray(dx, i);
        }
        ScalarRelu.backward(y, dy, dx, i, end);
    }
}
