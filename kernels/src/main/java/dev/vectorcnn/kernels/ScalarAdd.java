package dev.vectorcnn.kernels;

/** The element-wise accumulation written plainly (see {@link Add}); the reference for {@link VectorAdd}. */
final class ScalarAdd {

    private ScalarAdd() {
    }

    static void inPlace(float[] sum, float[] addend, int start, int end) {
        for (int i = start; i < end; i++) {
            sum[i] += addend[i];
        }
    }
}
