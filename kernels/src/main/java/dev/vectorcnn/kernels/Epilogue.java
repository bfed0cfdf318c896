package dev.vectorcnn.kernels;

import java.util.Objects;

/**
 * Work fused into the GEMM write-back: {@code C[i][j] = act(alpha*op(A)op(B)[i][j] + beta*C[i][j] + bias[j])}.
 *
 * <p>Applying the bias and the activation while a tile is still in registers saves a full pass over
 * C, which for a convolution's output (large M, small N) costs as much as the multiplication.
 *
 * @param bias       per-column bias of length at least {@code biasOffset + n}, or {@code null} for none
 * @param biasOffset index of the bias of column 0
 * @param relu       whether to clamp the result at zero
 */
public record Epilogue(float[] bias, int biasOffset, boolean relu) {

    /** Plain GEMM: no bias, no activation. */
    public static final Epilogue NONE = new Epilogue(null, 0, false);

    /** ReLU on write-back, no bias. */
    public static final Epilogue RELU = new Epilogue(null, 0, true);

    /**
     * Checks the offset.
     *
     * @throws IllegalArgumentException if {@code biasOffset} is negative, or not 0 without a bias
     */
    public Epilogue {
        if (biasOffset < 0) {
            throw new IllegalArgumentException("biasOffset must be >= 0, got " + biasOffset);
        }
        if (bias == null && biasOffset != 0) {
            throw new IllegalArgumentException("biasOffset is " + biasOffset + " but bias is null");
        }
    }

    /**
     * Adds {@code bias[biasOffset + j]} to column {@code j}, optionally followed by ReLU.
     *
     * @param bias       per-column bias of length at least {@code biasOffset + n} for an {@code n}-column GEMM;
     *                   not null
     * @param biasOffset index of the bias of column 0; not negative
     * @param relu       whether to clamp the result at zero
     * @return the epilogue adding that bias, then ReLU when {@code relu}
     * @throws NullPointerException     if {@code bias} is null
     * @throws IllegalArgumentException if {@code biasOffset} is negative
     */
    public static Epilogue bias(float[] bias, int biasOffset, boolean relu) {
        return new Epilogue(Objects.requireNonNull(bias, "bias must not be null"), biasOffset, relu);
    }

    /** Checks that the bias covers {@code n} columns. */
    void checkColumns(int n) {
        if (bias != null && (long) biasOffset + n > bias.length) {
            throw new IllegalArgumentException("bias too short: biasOffset " + biasOffset + " + n " + n
                    + " > bias.length " + bias.length);
        }
    }
}
