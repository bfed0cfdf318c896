package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Differential tests of {@link Gemm} against a double-precision triple loop and against EJML, over
 * the edges that matter for a blocked GEMM: every size from 1 to past the tile in each dimension,
 * all transposes, alpha/beta, offsets and leading dimensions, fused epilogues and thread counts.
 */
class GemmTest {

    /** Wider than the widest tile (6x4 vectors of 16 lanes = 64 columns; 12 rows) plus a few. */
    private static final int EDGE_SWEEP = 70;

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    /** One case's operands, with random offsets and leading dimensions, and C before and after the call. */
    private record Case(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, float[] a, int aOff,
                        int lda, float[] b, int bOff, int ldb, float[] before, float[] c, int cOff, int ldc,
                        float[] bias, int biasOff, boolean relu, String shape) {

        /** Where C[row][col] lies in {@link #c}. */
        int index(int row, int col) {
            return cOff + row * ldc + col;
        }
    }

    /**
     * Runs {@link Gemm#multiply} on one case, A and B drawn by {@code operands} and C and the bias by
     * {@code addends} (a length in, an array out), and fails if anything outside C changed. C holds NaN
     * when beta is 0, which must not read it.
     */
    private static Case run(SplittableRandom random, boolean ta, boolean tb, int m, int n, int k, float alpha,
                            float beta, boolean withBias, boolean relu, IntFunction<float[]> operands,
                            IntFunction<float[]> addends, String label) {
        int aOff = random.nextInt(4), bOff = random.nextInt(4), cOff = random.nextInt(4), biasOff = random.nextInt(3);
        int lda = Math.max(1, ta ? m : k) + random.nextInt(3);
        int ldb = Math.max(1, tb ? k : n) + random.nextInt(3);
        int ldc = n + random.nextInt(3);
        float[] a = operands.apply(aOff + (ta ? k : m) * lda + 3);
        float[] b = operands.apply(bOff + (tb ? n : k) * ldb + 3);
        float[] c = addends.apply(cOff + m * ldc + 3);
        if (beta == 0f) {
            Arrays.fill(c, Float.NaN);
        }
        float[] bias = withBias ? addends.apply(biasOff + n) : null;
        float[] before = c.clone();
        Epilogue epilogue = withBias ? Epilogue.bias(bias, biasOff, relu) : (relu ? Epilogue.RELU : Epilogue.NONE);
        Gemm.multiply(ta ? Transpose.YES : Transpose.NO, tb ? Transpose.YES : Transpose.NO, m, n, k,
                alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, epilogue);
        String shape = label + "ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                + " beta=" + beta + " bias=" + withBias + " relu=" + relu;
        for (int i = 0; i < c.length; i++) {
            int row = (i - cOff) / ldc;
            int col = (i - cOff) % ldc;
            boolean inside = i >= cOff && row < m && col < n;
            if (!inside && Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(before[i])) {
                fail("wrote outside C at index " + i + " for " + shape);
            }
        }
        return new Case(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, before, c, cOff, ldc, bias, biasOff,
                relu, shape);
    }

    /** Runs one random case with the given shape and checks every element against the reference. */
    private static void check(SplittableRandom random, boolean ta, boolean tb, int m, int n, int k,
                              float alpha, float beta, boolean withBias, boolean relu) {
        IntFunction<float[]> uniform = length -> TestArrays.uniform(random, length);
        Case t = run(random, ta, tb, m, n, k, alpha, beta, withBias, relu, uniform, uniform, "");
        double[] expected = GemmReference.multiply(ta, tb, m, n, k, alpha, t.a(), t.aOff(), t.lda(), t.b(), t.bOff(),
                t.ldb(), beta, t.before(), t.cOff(), t.ldc(), t.bias(), t.biasOff(), relu);
        for (int row = 0; row < m; row++) {
            for (int col = 0; col < n; col++) {
                float actual = t.c()[t.index(row, col)];
                double tolerance = GemmReference.tolerance(ta, tb, k, alpha, t.a(), t.aOff(), t.lda(), t.b(), t.bOff(),
                        t.ldb(), beta, t.before(), t.cOff(), t.ldc(), t.bias(), t.biasOff(), row, col);
                double error = Math.abs(actual - expected[row * n + col]);
                if (!(error <= tolerance)) {
                    fail("C[" + row + "][" + col + "] = " + actual + ", expected " + expected[row * n + col]
                            + " (error " + error + " > tolerance " + tolerance + ") for " + t.shape());
                }
            }
        }
    }

    /**
     * One case on small-integer data: every product and partial sum is an integer far below 2^24, and
     * alpha, beta, C and the bias keep the result a multiple of 1/2 below 2^23, so float computes it
     * exactly in any order and C must equal the exact result. Unlike {@link #check}, whose rounding bound
     * grows with k until it hides errors of the size of the result, this catches any error at any depth.
     */
    private static void checkExact(SplittableRandom random, boolean ta, boolean tb, int m, int n, int k,
                                   float alpha, float beta, boolean withBias, boolean relu) {
        // Operands within [-2, 2] and addends within [-8, 8]: partial sums are integers of at most 4k, exact
        // up to 2^24, and the result, a multiple of 1/2 when alpha or beta is, stays below 2^23.
        assertTrue(4L * k <= 1 << 24 && 4.0 * k * Math.abs(alpha) + 8 * Math.abs(beta) + 8 < 1 << 23
                && Math.abs(alpha) <= 2 && Math.abs(beta) <= 2, "the data must stay exact");
        Case t = run(random, ta, tb, m, n, k, alpha, beta, withBias, relu,
                length -> TestArrays.smallIntegers(random, length, 2),
                length -> TestArrays.smallIntegers(random, length, 8), "exact ");
        for (int row = 0; row < m; row++) {
            for (int col = 0; col < n; col++) {
                long sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (long) GemmReference.elementA(ta, t.a(), t.aOff(), t.lda(), row, p)
                            * (long) GemmReference.elementB(tb, t.b(), t.bOff(), t.ldb(), p, col);
                }
                int i = t.index(row, col);
                double expected = alpha * (double) sum + (beta == 0f ? 0 : beta * (double) t.before()[i])
                        + (withBias ? t.bias()[t.biasOff() + col] : 0);
                if (relu) {
                    expected = Math.max(0, expected);
                }
                if (t.c()[i] != expected) {
                    fail("C[" + row + "][" + col + "] = " + t.c()[i] + ", exactly " + expected + " for " + t.shape());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransposeCase.class)
    void m_sweep_from_1_past_tile_height(TransposeCase t) {
        SplittableRandom random = new SplittableRandom(1);
        for (int m = 1; m <= 30; m++) {
            check(random, t.a, t.b, m, 1 + random.nextInt(40), 1 + random.nextInt(20), 1f, 0f, false, false);
        }
    }

    @ParameterizedTest
    @EnumSource(TransposeCase.class)
    void n_sweep_from_1_past_tile_width(TransposeCase t) {
        SplittableRandom random = new SplittableRandom(2);
        for (int n = 1; n <= EDGE_SWEEP; n++) {
            check(random, t.a, t.b, 1 + random.nextInt(14), n, 1 + random.nextInt(20), 1f, 0f, false, false);
        }
    }

    @ParameterizedTest
    @EnumSource(TransposeCase.class)
    void k_sweep_from_1_past_vector_length(TransposeCase t) {
        SplittableRandom random = new SplittableRandom(3);
        for (int k = 1; k <= 40; k++) {
            check(random, t.a, t.b, 1 + random.nextInt(14), 1 + random.nextInt(70), k, 1f, 0f, false, false);
        }
    }

    @Test
    void k_spanning_several_depth_blocks_accumulates_beta_and_epilogue_once() {
        SplittableRandom random = new SplittableRandom(4);
        int k = 2 * VectorGemm.MAX_DEPTH_BLOCK + 37;
        check(random, false, false, 13, 70, k, 0.5f, 1.5f, true, true);
        check(random, true, true, 7, 33, k, -1f, 0f, true, false);
        // alpha 1 with beta 0 or 1: full tiles of the early blocks go straight to C, ragged ones and the
        // last block's epilogue through the write-back.
        check(random, false, false, 25, 130, k, 1f, 1f, true, true);
        check(random, false, true, 19, 64, k, 1f, 0f, false, false);
    }

    /**
     * Every tile writing straight into C over several depth blocks, the later blocks adding to it in the
     * micro-kernel (alpha 1, beta 0 or 1, no epilogue), and through the write-back otherwise: n from 5
     * to 70 takes the 12 x 1 tile (up to 4, 8 or 16 columns), the 12 x 2 one (up to 8, 16 or 32) and the
     * 6 x 4 one at 128, 256 and 512 bits, and n of exactly 1, 2 and 4 vectors fills each tile's width, which
     * a tile needs to write straight into C.
     */
    @Test
    void every_tile_accumulates_depth_blocks_into_c_exactly() {
        SplittableRandom random = new SplittableRandom(14);
        int k = 2 * VectorGemm.MAX_DEPTH_BLOCK + 37;
        int lanes = KernelBackend.isVectorized() ? VectorSpeciesChoice.FLOAT.length() : 4;
        for (int n : new int[] {5, 12, 16, 20, 32, 33, 64, 70, lanes, 2 * lanes, 4 * lanes}) {
            checkExact(random, false, false, 37, n, k, 1f, 1f, false, false);
            checkExact(random, false, false, 25, n, k, 1f, 0f, false, false);
            checkExact(random, true, false, 24, n, k, 1f, 1f, false, false);
            checkExact(random, false, true, 13, n, k, -0.5f, 1.5f, true, true);
        }
    }

    /**
     * Depths up to {@link GemmMicroKernel4x2#MAX_DEPTH} on the 12 x 2 tile run as three 4 x 2 tiles, which
     * promise the 12 x 2 tile's bits: with alpha 1 and no epilogue each element of C is its products
     * fused-multiply-added in depth order, from zero, or from C with beta 1 where the panel is full and
     * goes straight to C; a ragged panel (n of one vector and one column) goes through the write-back,
     * which adds C and the zero bias to the sum from zero. Computed here with Math.fma in that order and
     * compared bit for bit, for k from 1 to one past the bound and m of full and ragged tiles.
     */
    @Test
    void short_depths_on_the_two_vector_tile_sum_in_depth_order() {
        if (!KernelBackend.isVectorized()) {
            return; // the scalar path sums in its own order, checked against the reference within a bound
        }
        SplittableRandom random = new SplittableRandom(15);
        int lanes = VectorSpeciesChoice.FLOAT.length();
        for (int n : new int[] {lanes + 1, 2 * lanes}) {
            boolean straightToC = n == 2 * lanes;
            for (int k = 1; k <= GemmMicroKernel4x2.MAX_DEPTH + 1; k++) {
                for (int m : new int[] {1, 4, 11, 12, 13, 29, 125}) {
                    float[] a = TestArrays.uniform(random, m * k);
                    float[] b = TestArrays.uniform(random, k * n);
                    for (float beta : new float[] {0f, 1f}) {
                        float[] c = TestArrays.uniform(random, m * n);
                        float[] expected = new float[m * n];
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                float before = c[i * n + j];
                                float sum = straightToC && beta == 1f ? before : 0f;
                                for (int p = 0; p < k; p++) {
                                    sum = Math.fma(a[i * k + p], b[p * n + j], sum);
                                }
                                expected[i * n + j] = straightToC ? sum : (beta == 1f ? sum + before : sum) + 0f;
                            }
                        }
                        Gemm.multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0, n, beta, c, 0, n,
                                Epilogue.NONE);
                        TestArrays.assertBitwise(expected, c, m * n, m + "x" + n + "x" + k + " beta=" + beta);
                    }
                }
            }
        }
    }

    @Test
    void products_too_large_for_one_packed_b_run_in_blocks_of_columns_or_depth() {
        SplittableRandom random = new SplittableRandom(13);
        // Past MAX_PACKED_B_FLOATS in panels of any width (8 to 64 columns): blocks of columns, each
        // shifting the bias...
        int wideK = 700;
        int wideN = VectorGemm.MAX_PACKED_B_FLOATS / wideK + 70;
        checkExact(random, false, false, 4, wideN, wideK, 0.5f, 1f, true, true);
        checkExact(random, true, true, 3, wideN, wideK, 1f, 0f, true, false);
        // ...and blocks of depth, where one panel is already too deep, on every tile: 12 x 2 (n = lanes + 1,
        // as few as 8 columns at 128 bits), 6 x 4 (n = 20 and 33 at 128 bits) and 12 x 1 (n = 1, 8 or 16
        // columns at 256 and 512 bits, 4 at 128 bits, which takes the deeper k): beta and the epilogue
        // apply once.
        int deepK = VectorGemm.MAX_PACKED_B_FLOATS / 8 + 1000;
        int twoVectorColumns = KernelBackend.isVectorized() ? VectorSpeciesChoice.FLOAT.length() + 1 : 9;
        checkExact(random, false, false, 3, 1, deepK, 1f, 0f, true, true);
        checkExact(random, false, false, 3, 1, VectorGemm.MAX_PACKED_B_FLOATS / 4 + 1000, 1f, 0f, true, true);
        checkExact(random, false, false, 3, twoVectorColumns, deepK, 1f, 0f, true, true);
        checkExact(random, true, false, 5, 33, deepK, -0.5f, 1.5f, true, false);
        checkExact(random, false, true, 13, 20, deepK, 1f, 1f, false, false);
        if (KernelBackend.isVectorized()) {
            assertTrue(VectorGemm.packedBCapacity() <= CacheLineAligned.lengthFor(VectorGemm.MAX_PACKED_B_FLOATS),
                    "packed B scratch " + VectorGemm.packedBCapacity() + " floats");
        }
    }

    @Test
    void m_spanning_several_parallel_chunks() {
        SplittableRandom random = new SplittableRandom(5);
        check(random, false, false, 2 * VectorGemm.MAX_ROWS_PER_CHUNK + 7, 40, 30, 1f, 0f, true, true);
        check(random, true, false, VectorGemm.MAX_ROWS_PER_CHUNK + 1, 70, 64, 1f, 1f, false, false);
    }

    /** Columns in several groups of B panels, the last one ragged, for each transpose of A. */
    @Test
    void n_spanning_several_panel_groups() {
        SplittableRandom random = new SplittableRandom(12);
        int k = 2 * VectorGemm.MAX_DEPTH_BLOCK + 1;
        int depthBlock = (k + 2) / 3;
        // 32-column panels (256-bit species) make the widest groups; 512-bit ones get more of them.
        int n = 2 * VectorGemm.panelsPerGroup(depthBlock, 32) * 32 + 10;
        check(random, false, false, 31, n, k, 1f, 0f, true, true);
        check(random, true, false, 25, n, k, 0.5f, 1f, false, false);
    }

    @Test
    void row_chunks_are_tile_multiples_and_balance_two_threads() {
        for (int m : new int[] {1, 12, 100, 256, 512, 1024, 19_600, 100_352}) {
            int rows = VectorGemm.rowsPerChunk(m, 1);
            int chunks = (m + rows - 1) / rows;
            assertEquals(0, rows % 12, "m=" + m);
            assertTrue(rows <= VectorGemm.MAX_ROWS_PER_CHUNK, "m=" + m);
            assertTrue(m < 24 * 12 || chunks >= 16, "m=" + m + " gives only " + chunks + " chunks");
        }
    }

    @ParameterizedTest
    @EnumSource(TransposeCase.class)
    void alpha_and_beta_values(TransposeCase t) {
        SplittableRandom random = new SplittableRandom(6);
        float[] values = {0f, 1f, -1f, 0.75f, 3f};
        for (float alpha : values) {
            for (float beta : values) {
                check(random, t.a, t.b, 1 + random.nextInt(20), 1 + random.nextInt(70), 1 + random.nextInt(30),
                        alpha, beta, false, false);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransposeCase.class)
    void fused_bias_and_relu(TransposeCase t) {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            check(random, t.a, t.b, 1 + random.nextInt(20), 1 + random.nextInt(70), 1 + random.nextInt(30),
                    1f, trial % 2, trial % 3 != 0, trial % 2 == 0);
        }
    }

    @Test
    void fused_relu_gives_math_max_for_negative_zero_and_nan() {
        // The write-backs clamp by compare and blend rather than Vector.max; the result must still be
        // Math.max(v, 0): -0.0 becomes +0.0 and NaN stays NaN. Products that underflow to -0.0 and a -0.0
        // bias make every pre-activation -0.0; a NaN in row 0 of A makes row 0 of C NaN. Sizes cover full and
        // ragged tiles of each width.
        for (int m : new int[] {1, 5, 12, 13, 30}) {
            for (int n : new int[] {1, 9, 16, 32, 33, 64, 70}) {
                for (int k : new int[] {3, 40}) {
                    float[] a = TestArrays.filled(m * k, 1e-30f);
                    float[] b = TestArrays.filled(k * n, -1e-20f);
                    float[] bias = TestArrays.filled(n, -0f);
                    float[] c = TestArrays.filled(m * n, Float.NaN);
                    Gemm.multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n,
                            Epilogue.bias(bias, 0, true));
                    String shape = m + "x" + n + "x" + k;
                    TestArrays.assertBitwise(new float[m * n], c, m * n, shape + " relu of -0.0");
                    a[k - 1] = Float.NaN;
                    Gemm.multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n,
                            Epilogue.bias(bias, 0, true));
                    for (int j = 0; j < n; j++) {
                        assertTrue(Float.isNaN(c[j]), shape + " relu of NaN at column " + j);
                    }
                    TestArrays.assertBitwise(new float[(m - 1) * n], Arrays.copyOfRange(c, n, m * n), (m - 1) * n,
                            shape + " relu of -0.0 in the rows without NaN");
                }
            }
        }
    }

    @Test
    void random_shapes_all_options() {
        SplittableRandom random = new SplittableRandom(8);
        for (int trial = 0; trial < 60; trial++) {
            check(random, random.nextBoolean(), random.nextBoolean(), 1 + random.nextInt(50),
                    1 + random.nextInt(150), 1 + random.nextInt(80), (float) random.nextDouble(-2, 2),
                    random.nextBoolean() ? 0f : (float) random.nextDouble(-2, 2), random.nextBoolean(),
                    random.nextBoolean());
        }
    }

    @Test
    void k_zero_scales_c_by_beta_and_applies_epilogue() {
        SplittableRandom random = new SplittableRandom(9);
        check(random, false, false, 5, 9, 0, 1f, 2f, true, true);
        check(random, true, true, 5, 9, 0, 1f, 0f, false, false);
    }

    @Test
    void alpha_zero_does_not_read_a_or_b() {
        float[] a = {Float.NaN, Float.NaN};
        float[] b = {Float.POSITIVE_INFINITY, Float.NaN};
        float[] c = {1f, 2f};
        Gemm.multiply(Transpose.NO, Transpose.NO, 1, 2, 1, 0f, a, 0, 1, b, 0, 2, 2f, c, 0, 2);
        assertArrayEquals(new float[] {2f, 4f}, c);
    }

    @Test
    void zero_sized_products_are_no_ops() {
        float[] c = {7f};
        Gemm.multiply(Transpose.NO, Transpose.NO, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
        Gemm.multiply(Transpose.NO, Transpose.NO, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        assertArrayEquals(new float[] {7f}, c);
    }

    /** EJML as a second, independent oracle, on the shapes that stress the blocking. */
    @ParameterizedTest
    @EnumSource(TransposeCase.class)
    void agrees_with_ejml(TransposeCase t) {
        SplittableRandom random = new SplittableRandom(10);
        int[][] shapes = {{1, 1, 1}, {6, 64, 9}, {12, 32, 9}, {13, 65, 17}, {97, 129, 700}, {121, 31, 288}};
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            FMatrixRMaj a = new FMatrixRMaj(t.a ? k : m, t.a ? m : k, true, TestArrays.uniform(random, m * k));
            FMatrixRMaj b = new FMatrixRMaj(t.b ? n : k, t.b ? k : n, true, TestArrays.uniform(random, k * n));
            FMatrixRMaj expected = new FMatrixRMaj(m, n);
            if (t.a && t.b) {
                CommonOps_FDRM.multTransAB(a, b, expected);
            } else if (t.a) {
                CommonOps_FDRM.multTransA(a, b, expected);
            } else if (t.b) {
                CommonOps_FDRM.multTransB(a, b, expected);
            } else {
                CommonOps_FDRM.mult(a, b, expected);
            }
            float[] c = new float[m * n];
            Gemm.multiply(t.a ? Transpose.YES : Transpose.NO, t.b ? Transpose.YES : Transpose.NO, m, n, k, 1f,
                    a.data, 0, a.numCols, b.data, 0, b.numCols, 0f, c, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    // Both sides are float sums of k terms: twice the one-sided bound.
                    double tolerance = 2 * GemmReference.tolerance(t.a, t.b, k, 1f, a.data, 0, a.numCols,
                            b.data, 0, b.numCols, 0f, c, 0, n, null, 0, i, j);
                    assertEquals(expected.get(i, j), c[i * n + j], tolerance,
                            "C[" + i + "][" + j + "] for m=" + m + " n=" + n + " k=" + k + " " + t);
                }
            }
        }
    }

    /**
     * A row of C gets the same bits whichever m it is computed in: a model's predictions must not depend on
     * its batch size. Over several depth blocks full tiles add each block to C in the micro-kernel; the
     * ragged last rows must do the same. Row by row against the whole product, for every tile (n of 1, 2
     * and 4 vectors and a ragged panel), with alpha 1 and beta 0 or 1, with and without a bias.
     */
    @Test
    void a_rows_result_does_not_depend_on_how_many_rows_are_computed_with_it() {
        SplittableRandom random = new SplittableRandom(15);
        int lanes = KernelBackend.isVectorized() ? VectorSpeciesChoice.FLOAT.length() : 4;
        int twoBlocks = VectorGemm.MAX_DEPTH_BLOCK + 1;
        int threeBlocks = 2 * VectorGemm.MAX_DEPTH_BLOCK + 1;
        for (int n : new int[] {lanes, 2 * lanes, 4 * lanes, 4 * lanes + 3}) {
            for (int k : new int[] {twoBlocks, threeBlocks}) {
                for (float beta : new float[] {0f, 1f}) {
                    for (boolean withBias : new boolean[] {false, true}) {
                        checkRowsIndependently(random, 13, n, k, beta, withBias);
                    }
                }
            }
        }
    }

    private static void checkRowsIndependently(SplittableRandom random, int m, int n, int k, float beta,
                                               boolean withBias) {
        float[] a = TestArrays.uniform(random, m * k);
        float[] b = TestArrays.uniform(random, k * n);
        float[] c = TestArrays.uniform(random, m * n);
        float[] bias = TestArrays.uniform(random, n);
        Epilogue epilogue = withBias ? Epilogue.bias(bias, 0, true) : Epilogue.NONE;
        float[] whole = c.clone();
        Gemm.multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0, n, beta, whole, 0, n, epilogue);
        for (int row = 0; row < m; row++) {
            float[] alone = Arrays.copyOfRange(c, row * n, (row + 1) * n);
            Gemm.multiply(Transpose.NO, Transpose.NO, 1, n, k, 1f, a, row * k, k, b, 0, n, beta, alone, 0, n,
                    epilogue);
            for (int col = 0; col < n; col++) {
                if (Float.floatToRawIntBits(alone[col]) != Float.floatToRawIntBits(whole[row * n + col])) {
                    fail("C[" + row + "][" + col + "] = " + whole[row * n + col] + " among " + m + " rows but "
                            + alone[col] + " alone, for n=" + n + " k=" + k + " beta=" + beta + " bias=" + withBias);
                }
            }
        }
    }

    @Test
    void bitwise_identical_for_any_thread_count() {
        SplittableRandom random = new SplittableRandom(11);
        // More than one depth block, row chunk and group of B panels.
        int m = 3 * VectorGemm.MAX_ROWS_PER_CHUNK + 5, k = VectorGemm.MAX_DEPTH_BLOCK + 3;
        int n = VectorGemm.panelsPerGroup((k + 1) / 2, 32) * 32 + 70;
        float[] a = TestArrays.uniform(random, m * k);
        float[] b = TestArrays.uniform(random, k * n);
        float[] bias = TestArrays.uniform(random, n);
        float[] reference = null;
        for (int threads : new int[] {1, 2, 16}) {
            KernelThreads.setThreads(threads);
            float[] c = new float[m * n];
            Gemm.multiply(Transpose.NO, Transpose.YES, m, n, k, 1f, a, 0, k, transposeCopy(b, k, n), 0, k, 0f, c, 0, n,
                    Epilogue.bias(bias, 0, true));
            if (reference == null) {
                reference = c;
            } else {
                assertArrayEquals(reference, c, "threads=" + threads);
            }
        }
    }

    private static float[] transposeCopy(float[] b, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = b[i * cols + j];
            }
        }
        return t;
    }

    @Test
    void backend_is_vector_exactly_when_the_module_is_present() {
        boolean modulePresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean forcedScalar = "scalar".equals(System.getProperty(KernelBackend.SPECIES_PROPERTY));
        assertEquals(modulePresent && !forcedScalar, KernelBackend.isVectorized(), KernelBackend.describe());
        String requested = System.getProperty(KernelBackend.SPECIES_PROPERTY, "preferred");
        if (KernelBackend.isVectorized() && !requested.equals("preferred")) {
            assertEquals("vector " + requested + "-bit", KernelBackend.describe());
        }
    }

    // ---- bad input: every rule, before any write ----

    private static IllegalArgumentException rejects(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run);
    }

    @Test
    void rejects_negative_sizes() {
        float[] x = new float[16];
        assertTrue(rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2))
                .getMessage().contains("m must be >= 0, got -1"));
        assertTrue(rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, -3, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2))
                .getMessage().contains("n must be >= 0, got -3"));
        assertTrue(rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 2, -4, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2))
                .getMessage().contains("k must be >= 0, got -4"));
    }

    @Test
    void rejects_leading_dimension_below_row_length() {
        float[] x = new float[64];
        String message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 3, 4, 1f, x, 0, 3, x, 0, 3, 0f,
                x, 0, 3)).getMessage();
        assertTrue(message.contains("leading dimension of A") && message.contains("got 3"), message);
        message = rejects(() -> Gemm.multiply(Transpose.YES, Transpose.NO, 2, 3, 4, 1f, x, 0, 1, x, 0, 3, 0f,
                x, 0, 3)).getMessage();
        assertTrue(message.contains("leading dimension of A") && message.contains("4x2"), message);
        message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.YES, 2, 3, 4, 1f, x, 0, 4, x, 0, 3, 0f,
                x, 0, 3)).getMessage();
        assertTrue(message.contains("leading dimension of B"), message);
        message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 3, 4, 1f, x, 0, 4, x, 0, 3, 0f,
                x, 0, 2)).getMessage();
        assertTrue(message.contains("leading dimension of C"), message);
    }

    @Test
    void rejects_arrays_too_short_and_writes_nothing() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = {1f, 2f, 3f, 4f};
        float[] before = c.clone();
        String message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 2, 3, 1f, a, 1, 3, b, 0, 2,
                0f, c, 0, 2)).getMessage();
        assertTrue(message.contains("A too short") && message.contains("needs length 7, got 6"), message);
        message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 2, 3, 1f, a, 0, 3, b, 2, 2,
                0f, c, 0, 2)).getMessage();
        assertTrue(message.contains("B too short"), message);
        message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 2, 3, 1f, a, 0, 3, b, 0, 2,
                0f, c, 1, 2)).getMessage();
        assertTrue(message.contains("C too short"), message);
        message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 2, 2, 3, 1f, a, 0, 3, b, 0, 2,
                0f, c, 0, 2, Epilogue.bias(new float[2], 1, false))).getMessage();
        assertTrue(message.contains("bias too short"), message);
        assertArrayEquals(before, c);
    }

    @Test
    void rejects_negative_offsets() {
        float[] x = new float[16];
        assertTrue(rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 1, 1, 1, 1f, x, -1, 1, x, 0, 1, 0f, x, 0, 1))
                .getMessage().contains("A offset must be >= 0, got -1"));
        assertTrue(rejects(() -> new Epilogue(null, 2, false)).getMessage().contains("biasOffset is 2"));
    }

    @Test
    void sizes_near_int_max_are_rejected_not_wrapped() {
        float[] x = new float[16];
        // (rows - 1) * ld overflows an int: must be reported, not wrapped to a small index.
        String message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 3, 1, 1, 1f, x, 0, 1 << 30, x, 0, 1,
                0f, x, 0, 1)).getMessage();
        assertTrue(message.contains("A too short") && message.contains("needs length 2147483649"), message);
        message = rejects(() -> Gemm.multiply(Transpose.NO, Transpose.NO, 1, 1, 1, 1f, x, Integer.MAX_VALUE, 1, x,
                0, 1, 0f, x, 0, 1)).getMessage();
        assertTrue(message.contains("needs length 2147483648"), message);
    }

    @Test
    void rejects_nulls_by_name() {
        float[] x = new float[4];
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Gemm.multiply(Transpose.NO, Transpose.NO, 1, 1, 1, 1f, null, 0, 1, x, 0, 1, 0f, x, 0, 1));
        assertTrue(e.getMessage().contains("A must not be null"));
        e = assertThrows(NullPointerException.class,
                () -> Gemm.multiply(null, Transpose.NO, 1, 1, 1, 1f, x, 0, 1, x, 0, 1, 0f, x, 0, 1));
        assertTrue(e.getMessage().contains("transA"));
    }

    @Test
    void rejects_a_thread_count_out_of_range() {
        assertTrue(rejects(() -> KernelThreads.setThreads(0)).getMessage().contains("threads must be from 1 to 1024, got 0"));
        assertTrue(rejects(() -> KernelThreads.setThreads(KernelThreads.MAX_THREADS + 1)).getMessage()
                .contains("got 1025"));
    }

    enum TransposeCase {
        NN(false, false), NT(false, true), TN(true, false), TT(true, true);

        final boolean a;
        final boolean b;

        TransposeCase(boolean a, boolean b) {
            this.a = a;
            this.b = b;
        }
    }
}
