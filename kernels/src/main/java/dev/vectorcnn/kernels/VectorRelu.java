package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReLU on the Vector API, full vectors then a scalar tail, bitwise {@link ScalarRelu}'s
 * {@code Math.max(x, 0)}: NaN in, NaN out, and {@code max(-0.0, 0) = +0.0}.
 *
 * <p>The clamp is a compare and a blend, {@code x <= 0 ? +0.0 : x}, which gives those bits (a NaN compares
 * false and stays), not {@link FloatVector#max}: C2 (JDK 25, AVX-512) turns {@code max} into six
 * instructions (a sign-mask extraction, two blends, {@code vmaxps}, an unordered compare and a masked
 * move) to follow {@code Math.max}'s NaN and signed-zero rules for any operands. Every kernel that fuses a
 * ReLU into its write-back clamps the same way (with a floor of negative infinity, which changes nothing,
 * where there is no ReLU). It matters where the write-back is a large share of the work: MNIST conv1's
 * forward ({@link SingleChannel3x3Forward}), whose pixels take 18 multiply-adds each, ran at 72 GFLOP/s
 * with {@code max} and 94-98 with the blend (AMD host, 512 bits, data in cache). The clamp is written out
 * at each use: a helper method taking and returning vectors is not inlined into a large compiled method
 * (C2's node-count cutoff), and then boxes them (it halved MNIST conv2's filter gradient when its
 * micro-kernel called one).
 *
 * <p>Works on {@code [start, end)}; arguments are trusted (checked by {@link Relu}).
 */
final class VectorRelu {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    private VectorRelu() {
    }

    static void forward(float[] x, float[] y, int start, int end) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = start;
        for (int bound = start + SPECIES.loopBound(end - start); i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            v.blend(zero, v.compare(VectorOperators.LE, zero)).intoArray(y, i);
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
