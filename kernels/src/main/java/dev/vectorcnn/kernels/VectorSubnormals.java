package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** {@link Subnormals#flushToZero(float)} lane by lane, with the same bits. */
final class VectorSubnormals {

    private VectorSubnormals() {
    }

    /** Each lane of {@code x}, or {@code +0} where its magnitude is under {@code Float.MIN_NORMAL}. */
    static FloatVector flushToZero(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }
}
