package dev.vectorcnn.kernels;

/** Whether a GEMM operand is used as stored ({@link #NO}) or transposed ({@link #YES}). */
public enum Transpose {
    /** {@code op(X) = X}. */
    NO,
    /** {@code op(X) = X^T}. */
    YES
}
