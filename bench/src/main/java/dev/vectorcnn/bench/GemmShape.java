package dev.vectorcnn.bench;

/**
 * The GEMM shapes the benchmarks track: square matrices and the products the MNIST network and a
 * ResNet-style 3x3 layer run during training (rows = output pixels, k = kh*kw*in, n = out channels).
 */
public enum GemmShape {
    SQUARE_256(256, 256, 256),
    SQUARE_512(512, 512, 512),
    SQUARE_1024(1024, 1024, 1024),
    /** MNIST conv1 as im2col: 100 images x 28x28 pixels, 3x3x1 patches, 32 filters. */
    MNIST_CONV1(78_400, 32, 9),
    /** MNIST conv2 as im2col: 100 x 14x14 output pixels, 3x3x32 patches, 64 filters. */
    MNIST_CONV2(19_600, 64, 288),
    /** MNIST dense 3136 -> 64 at batch 100. */
    MNIST_DENSE(100, 64, 3136),
    /** A 3x3 SAME 56x56x64 -> 64 layer at batch 32 as im2col. */
    LAYER_56X56X64(100_352, 64, 576);

    final int m;
    final int n;
    final int k;

    GemmShape(int m, int n, int k) {
        this.m = m;
        this.n = n;
        this.k = k;
    }

    double flops() {
        return 2.0 * m * n * k;
    }

    @Override
    public String toString() {
        return name() + " (" + m + "x" + k + "x" + n + ")";
    }
}
