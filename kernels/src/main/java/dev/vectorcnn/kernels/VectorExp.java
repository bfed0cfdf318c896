package dev.vectorcnn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code exp} of a vector of floats {@code <= 0} (a shifted softmax logit), from adds, multiplies and a
 * degree-6 polynomial (Cephes' {@code expf}, relative error about 1e-7, a couple of ulps).
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: its bits depend on how the call is compiled (an
 * intrinsic once C2 has compiled the caller, a per-lane Java fallback before). Observed here with it:
 * the same softmax rows came out different in the last bit between runs with 1 and 2 threads. Adds,
 * multiplies and conversions round the same way wherever they run, so this version keeps results
 * bitwise identical for any thread count.
 */
final class VectorExp {

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two: {@code n * LN2_HIGH} is exact for the n reached here. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** ln(2^-126): below it the result would be subnormal; it is flushed to 0. */
    private static final float MIN_ARGUMENT = -87.33654f;

    private VectorExp() {
    }

    /** {@code exp(x)} per lane for {@code x <= 0}; NaN stays NaN, {@code x < -87.34} (and -inf) gives 0. */
    static FloatVector nonPositive(FloatVector x) {
        FloatVector clamped = x.max(MIN_ARGUMENT);
        // n = round(x / ln 2): x * log2(e) <= 0, so truncating (x * log2(e) - 0.5) rounds to nearest.
        IntVector n = (IntVector) clamped.mul(LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = clamped.sub(nf.mul(LN2_HIGH)).sub(nf.mul(LN2_LOW));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f)
                .mul(r).add(8.3334519073e-3f)
                .mul(r).add(4.1665795894e-2f)
                .mul(r).add(1.6666665459e-1f)
                .mul(r).add(5.0000001201e-1f)
                .mul(r.mul(r)).add(r).add(1f);
        FloatVector twoToN = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector result = p.mul(twoToN);
        return result.blend(0f, x.compare(VectorOperators.LT, MIN_ARGUMENT));
    }
}
