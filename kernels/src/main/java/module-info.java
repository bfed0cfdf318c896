/**
 * The fast code of vectorcnn: GEMM, convolution, pooling, dense and element-wise kernels,
 * forward and backward, on the JDK Vector API with scalar fallbacks.
 *
 * <p>{@code jdk.incubator.vector} is optional ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} every kernel still works, on its scalar path.
 */
module dev.vectorcnn.kernels {
    requires static jdk.incubator.vector;

    exports dev.vectorcnn.kernels;
}
