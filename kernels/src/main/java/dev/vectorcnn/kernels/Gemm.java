package dev.vectorcnn.kernels;

/**
 * Single-precision general matrix multiplication,
 * {@code C = act(alpha * op(A) * op(B) + beta * C + bias)}, on row-major {@code float[]} matrices.
 *
 * <p>{@code op(A)} is {@code m x k} and {@code op(B)} is {@code k x n}. With {@link Transpose#NO} A is
 * stored as {@code m} rows of {@code k} (row {@code i} starts at {@code aOffset + i*lda}); with
 * {@link Transpose#YES} it is stored as {@code k} rows of {@code m}. Likewise B. C is {@code m} rows of
 * {@code n}. When {@code beta == 0} C is not read, so it may hold anything (even NaN). As in BLAS, C must
 * not overlap A or B: C is written while A is still being read, so the result would be undefined.
 *
 * <p>The fast path is the Goto/BLIS algorithm on the Vector API ({@link VectorGemm}); without
 * {@code jdk.incubator.vector} the same call runs {@link ScalarGemm}. Either way the result is bitwise
 * identical for any thread count ({@link KernelThreads}). All methods are thread-safe: they keep no
 * shared mutable state besides per-thread scratch buffers, which a thread keeps for its next call and
 * which stay bounded whatever the shape (at most 2^22 floats, 16 MiB, of packed B: larger products
 * run in blocks).
 */
public final class Gemm {

    private Gemm() {
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}. See the class comment for the layout.
     *
     * @param transA  {@link Transpose#NO} when A is stored as {@code op(A)} ({@code m} rows of {@code k}),
     *                {@link Transpose#YES} when stored transposed ({@code k} rows of {@code m})
     * @param transB  {@link Transpose#NO} when B is stored as {@code op(B)} ({@code k} rows of {@code n}),
     *                {@link Transpose#YES} when stored transposed ({@code n} rows of {@code k})
     * @param m       rows of {@code op(A)} and of C; not negative
     * @param n       columns of {@code op(B)} and of C; not negative
     * @param k       columns of {@code op(A)} and rows of {@code op(B)}; not negative
     * @param alpha   scale of the product {@code op(A) * op(B)}; A and B are not read when it is 0 or {@code k == 0}
     * @param a       A, row-major from {@code aOffset} as {@code transA} describes
     * @param aOffset index of A's first element; not negative
     * @param lda     leading dimension of A: floats between the starts of consecutive stored rows, at least
     *                {@code max(1, k)} ({@link Transpose#NO}) or {@code max(1, m)} ({@link Transpose#YES})
     * @param b       B, row-major from {@code bOffset} as {@code transB} describes
     * @param bOffset index of B's first element; not negative
     * @param ldb     leading dimension of B: floats between the starts of consecutive stored rows, at least
     *                {@code max(1, n)} ({@link Transpose#NO}) or {@code max(1, k)} ({@link Transpose#YES})
     * @param beta    scale of the old C; C is not read when it is 0 (it may then hold anything, even NaN)
     * @param c       C, {@code m} rows of {@code n} from {@code cOffset}, overwritten with the result
     * @param cOffset index of C's first element; not negative
     * @param ldc     leading dimension of C: floats between the starts of consecutive rows, at least {@code max(1, n)}
     * @throws NullPointerException     if a transpose flag or a matrix is null
     * @throws IllegalArgumentException if a size or offset is negative, a leading dimension is below its
     *                                  minimum, or a matrix does not fit its array; nothing is written then
     */
    public static void multiply(Transpose transA, Transpose transB, int m, int n, int k,
                                float alpha, float[] a, int aOffset, int lda,
                                float[] b, int bOffset, int ldb,
                                float beta, float[] c, int cOffset, int ldc) {
        multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                Epilogue.NONE);
    }

    /**
     * {@code C = act(alpha * op(A) * op(B) + beta * C + bias)} with the bias and activation of
     * {@code epilogue} applied while each tile is written back.
     *
     * @param transA   {@link Transpose#NO} when A is stored as {@code op(A)} ({@code m} rows of {@code k}),
     *                 {@link Transpose#YES} when stored transposed ({@code k} rows of {@code m})
     * @param transB   {@link Transpose#NO} when B is stored as {@code op(B)} ({@code k} rows of {@code n}),
     *                 {@link Transpose#YES} when stored transposed ({@code n} rows of {@code k})
     * @param m        rows of {@code op(A)} and of C; not negative
     * @param n        columns of {@code op(B)} and of C; not negative
     * @param k        columns of {@code op(A)} and rows of {@code op(B)}; not negative
     * @param alpha    scale of the product {@code op(A) * op(B)}; A and B are not read when it is 0 or {@code k == 0}
     * @param a        A, row-major from {@code aOffset} as {@code transA} describes
     * @param aOffset  index of A's first element; not negative
     * @param lda      leading dimension of A: floats between the starts of consecutive stored rows, at least
     *                 {@code max(1, k)} ({@link Transpose#NO}) or {@code max(1, m)} ({@link Transpose#YES})
     * @param b        B, row-major from {@code bOffset} as {@code transB} describes
     * @param bOffset  index of B's first element; not negative
     * @param ldb      leading dimension of B: floats between the starts of consecutive stored rows, at least
     *                 {@code max(1, n)} ({@link Transpose#NO}) or {@code max(1, k)} ({@link Transpose#YES})
     * @param beta     scale of the old C; C is not read when it is 0 (it may then hold anything, even NaN)
     * @param c        C, {@code m} rows of {@code n} from {@code cOffset}, overwritten with the result
     * @param cOffset  index of C's first element; not negative
     * @param ldc      leading dimension of C: floats between the starts of consecutive rows, at least {@code max(1, n)}
     * @param epilogue bias and activation applied on write-back, {@link Epilogue#NONE} for none; its bias must
     *                 cover {@code n} columns from its offset
     * @throws NullPointerException     if a transpose flag, a matrix or {@code epilogue} is null
     * @throws IllegalArgumentException if a size or offset is negative, a leading dimension is below its
     *                                  minimum, a matrix does not fit its array, or the epilogue's bias is
     *                                  shorter than n columns; nothing is written then
     */
    public static void multiply(Transpose transA, Transpose transB, int m, int n, int k,
                                float alpha, float[] a, int aOffset, int lda,
                                float[] b, int bOffset, int ldb,
                                float beta, float[] c, int cOffset, int ldc, Epilogue epilogue) {
        Checks.notNull("transA", transA);
        Checks.notNull("transB", transB);
        Checks.notNull("epilogue", epilogue);
        Checks.nonNegative("m", m);
        Checks.nonNegative("n", n);
        Checks.nonNegative("k", k);
        boolean ta = transA == Transpose.YES;
        boolean tb = transB == Transpose.YES;
        Checks.matrix("A", a, aOffset, lda, ta ? k : m, ta ? m : k);
        Checks.matrix("B", b, bOffset, ldb, tb ? n : k, tb ? k : n);
        Checks.matrix("C", c, cOffset, ldc, m, n);
        epilogue.checkColumns(n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            // As in BLAS, A and B are not read then: C = act(beta * C + bias).
            ScaleOnly.apply(m, n, beta, c, cOffset, ldc, epilogue);
            return;
        }
        if (KernelBackend.isVectorized()) {
            VectorGemm.multiply(ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                    epilogue);
        } else {
            ScalarGemm.multiply(ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                    epilogue);
        }
    }
}
