package dev.vectorcnn.kernels;

/**
 * Flush-to-zero for the optimizers, as TensorFlow computes them: its CPU kernels run with the
 * processor's flush-to-zero and denormals-are-zero modes set ({@code port::ScopedFlushDenormal}
 * around every op), so a subnormal gradient reads as zero and a subnormal moment is stored as zero.
 * Java cannot set those modes, so the optimizers apply this to the gradient they read and to the
 * state they store. The parameters and the products inside an update are not flushed, so at the
 * subnormal edge a result can differ from TensorFlow's (Adam's moment of a weight without gradient
 * decays to zero here, where TensorFlow's stops near {@code 1e-37}); the parameters differ by far
 * less than their own rounding. The other kernels (convolutions, the loss) do not flush at all.
 *
 * <p>It matters for speed as well as fidelity. A moment whose gradient stays exactly zero (a dense
 * weight whose input is a dead unit) decays into the subnormal range and, under IEEE rounding, stays
 * there: {@code m + (0 - m) * 0.1} returns {@code m} unchanged once {@code 0.1 m} is under half the
 * smallest subnormal. Every later update of such an element takes a microcode assist: measured on
 * 200,704 elements (the MNIST network's first dense kernel), one Adam update took 100 us with normal
 * moments and 630-1300 us with subnormal ones, and after 1000 steps of the training-step benchmark a
 * third of that kernel's first moments were subnormal. The MNIST example ran 4% faster with the flush.
 *
 * <p>Scalar only, so the scalar path loads no Vector API class; {@link VectorSubnormals} is the
 * vector form and gives the same bits.
 */
final class Subnormals {

    private Subnormals() {
    }

    /** {@code x}, or {@code +0} when {@code |x| < Float.MIN_NORMAL}; NaN stays NaN. */
    static float flushToZero(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
