package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarSoftmax}'s row kernels on the Vector API: maximum, {@code exp} ({@link VectorExp}) and
 * sum over vectors of classes, the last one masked, so every class of a row goes through the same
 * {@code exp} and equal logits get equal bits wherever they sit in the row. The vector {@code exp}
 * differs from {@link Math#exp} by a couple of ulps and flushes results below {@code Float.MIN_NORMAL}
 * to 0 (Math.exp returns subnormals there), and the sum is taken in another (fixed) order, so results
 * agree with the scalar reference to a few ulps relative plus {@code Float.MIN_NORMAL} absolute, not
 * bitwise; they are the same bits however and wherever a row is computed. Arguments are trusted.
 */
final class VectorSoftmax {

    private static final VectorSpecies<Float> SPECIES = VectorSpeciesChoice.FLOAT;

    /** Shuffles that bring lane {@code i + h} to lane {@code i}, for h = lanes/2, lanes/4, ..., 1. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    private VectorSoftmax() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
    private static VectorShuffle<Float>[] halves() {
        int levels = Integer.numberOfTrailingZeros(SPECIES.length());
        VectorShuffle<Float>[] halves = new VectorShuffle[levels];
        for (int level = 0, h = SPECIES.length() / 2; h >= 1; level++, h /= 2) {
            halves[level] = VectorShuffle.iota(SPECIES, h, 1, true);
        }
        return halves;
    }

    /** See {@link ScalarSoftmax#softmaxRow}. */
    static void softmaxRow(int classes, float[] logits, int x, float[] probs, int p) {
        int vectorEnd = SPECIES.loopBound(classes);
        float max = max(logits, x, classes, vectorEnd);
        float sum = exponentials(logits, x, classes, vectorEnd, max, probs, p);
        float inverse = 1f / sum;
        int j = 0;
        for (; j < vectorEnd; j += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, probs, p + j).mul(inverse).intoArray(probs, p + j);
        }
        for (; j < classes; j++) {
            probs[p + j] *= inverse;
        }
    }

    /** See {@link ScalarSoftmax#crossEntropyRow}. */
    static float crossEntropyRow(int classes, float[] logits, int x, int label, float[] grad, int g, float gradScale) {
        int vectorEnd = SPECIES.loopBound(classes);
        float max = max(logits, x, classes, vectorEnd);
        float shiftedLabel = logits[x + label] - max;
        float sum = exponentials(logits, x, classes, vectorEnd, max, grad, g);
        if (grad != null) {
            float labelExp = grad[g + label];
            int j = 0;
            for (; j < vectorEnd; j += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, grad, g + j).div(sum).mul(gradScale).intoArray(grad, g + j);
            }
            for (; j < classes; j++) {
                grad[g + j] = grad[g + j] / sum * gradScale;
            }
            grad[g + label] = (labelExp / sum - 1f) * gradScale;
        }
        return (float) Math.log(sum) - shiftedLabel;
    }

    /**
     * The lanes' sum in an order fixed here: the upper half of the lanes added to the lower half, then
     * the same again on what is left. {@code reduceLanes(ADD)} leaves the order to the implementation,
     * and it differs between C2's intrinsic and the interpreter's fallback, so a row computed before and
     * after its code was compiled (on another thread, say) could differ in the last bit.
     */
    static float sumInFixedOrder(FloatVector v) {
        for (VectorShuffle<Float> half : HALVES) {
            v = v.add(v.rearrange(half));
        }
        return v.lane(0);
    }

    private static float max(float[] logits, int x, int classes, int vectorEnd) {
        float max = Float.NEGATIVE_INFINITY;
        if (vectorEnd > 0) {
            FloatVector m = FloatVector.fromArray(SPECIES, logits, x);
            for (int j = SPECIES.length(); j < vectorEnd; j += SPECIES.length()) {
                m = m.max(FloatVector.fromArray(SPECIES, logits, x + j));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        return Math.max(max, ScalarSoftmax.max(logits, x + vectorEnd, x + classes));
    }

    /**
     * Writes {@code exp(logits - max)} to {@code out[o ..]} unless out is null; returns their float sum.
     * The tail past the last full vector goes through the same {@link VectorExp} under a mask, not
     * {@link Math#exp}: the two differ by ulps, and Math.exp returns subnormals where VectorExp gives 0,
     * so a class's probability would otherwise depend on where in the row it sits.
     */
    private static float exponentials(float[] logits, int x, int classes, int vectorEnd, float max, float[] out, int o) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector s = zero;
        for (int j = 0; j < vectorEnd; j += SPECIES.length()) {
            FloatVector e = VectorExp.nonPositive(FloatVector.fromArray(SPECIES, logits, x + j).sub(max));
            if (out != null) {
                e.intoArray(out, o + j);
            }
            s = s.add(e);
        }
        if (vectorEnd < classes) {
            VectorMask<Float> tail = SPECIES.indexInRange(vectorEnd, classes);
            FloatVector shifted = FloatVector.fromArray(SPECIES, logits, x + vectorEnd, tail).sub(max);
            // Lanes past the row read 0, so 0 - max may be positive: they are zeroed before the sum, where
            // adding +0 to a lane's partial sum (itself >= 0) changes no bit.
            FloatVector e = zero.blend(VectorExp.nonPositive(shifted), tail);
            if (out != null) {
                e.intoArray(out, o + vectorEnd, tail);
            }
            s = s.add(e);
        }
        return sumInFixedOrder(s);
    }
}
