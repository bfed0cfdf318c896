package dev.vectorcnn.kernels;

/**
 * Column sums of a row-major {@code [rows, cols]} matrix, written plainly: the fallback and the reference
 * for {@link VectorColumnSums}. Each column is summed from 0 in row order, whatever range of columns a
 * call covers, so any split of the columns gives the same bits. Arguments are trusted.
 */
final class ScalarColumnSums {

    private ScalarColumnSums() {
    }

    /** {@code sums[j] = sum over r of matrix[r * cols + j]} for {@code j} in {@code [start, end)}. */
    static void sum(int rows, int cols, float[] matrix, float[] sums, int start, int end) {
        for (int j = start; j < end; j++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += matrix[r * cols + j];
            }
            sums[j] = sum;
        }
    }
}
