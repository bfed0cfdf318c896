package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.Conv2dShape;
import dev.vectorcnn.kernels.Padding;

/**
 * The convolution layers the benchmarks track: the MNIST network's two, two ResNet-style 3x3 layers (one
 * with 16 channels, one vector at 512 bits), and the tutorial's fixed line filters on two photos.
 */
public enum ConvLayer {
    /** MNIST conv1: batch 100, 28x28x1 -> 32, 3x3, stride 1, SAME. */
    MNIST_CONV1(new Conv2dShape(100, 28, 28, 1, 3, 3, 32, 1, 1, Padding.SAME)),
    /** MNIST conv2: batch 100, 28x28x32 -> 64, 3x3, stride 2, SAME. */
    MNIST_CONV2(new Conv2dShape(100, 28, 28, 32, 3, 3, 64, 2, 2, Padding.SAME)),
    /** A 3x3 SAME 56x56x64 -> 64 layer at batch 32. */
    LAYER_56X56X64(new Conv2dShape(32, 56, 56, 64, 3, 3, 64, 1, 1, Padding.SAME)),
    /**
     * ResNet-20's first stage on CIFAR-10: a 3x3 SAME 32x32x16 -> 16 layer at batch 32. Sixteen channels fill
     * one 512-bit vector: the shape of the 12 x 1 tile.
     */
    RESNET20_32X32X16(new Conv2dShape(32, 32, 32, 16, 3, 3, 16, 1, 1, Padding.SAME)),
    /**
     * The tutorial's photo demo: its {@code conv2d} call on two 427x640 photos (the tutorial's size, batch 2)
     * with its vertical and horizontal 7x7 line filters, stride 1, SAME, in grayscale as {@code FilterDemo}
     * converts them (which runs one photo per call). Two output channels: the shape of few-output-channel
     * layers.
     */
    PHOTO_LINE_FILTERS(new Conv2dShape(2, 427, 640, 1, 7, 7, 2, 1, 1, Padding.SAME));

    final Conv2dShape shape;

    ConvLayer(Conv2dShape shape) {
        this.shape = shape;
    }

    /** Multiply-adds x 2 of one pass (forward, input gradient or filter gradient each cost the same). */
    double flopsPerPass() {
        return 2.0 * shape.batch() * shape.outHeight() * shape.outWidth()
                * shape.filterHeight() * shape.filterWidth() * shape.inChannels() * shape.outChannels();
    }
}
