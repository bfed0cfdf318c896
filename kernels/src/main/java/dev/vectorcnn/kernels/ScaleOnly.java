package dev.vectorcnn.kernels;

/**
 * The degenerate GEMM {@code C = act(beta * C + bias)}, for {@code k == 0} or {@code alpha == 0},
 * where there is no product to compute. C is not read when beta is 0, as in BLAS.
 */
final class ScaleOnly {

    private ScaleOnly() {
    }

    static void apply(int m, int n, float beta, float[] c, int cOffset, int ldc, Epilogue epilogue) {
        float[] zeros = new float[n];
        for (int i = 0; i < m; i++) {
            ScalarGemm.writeRow(zeros, 0f, beta, c, cOffset + i * ldc, epilogue);
        }
    }
}
