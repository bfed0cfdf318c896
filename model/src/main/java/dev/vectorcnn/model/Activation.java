package dev.vectorcnn.model;

/** The activation a {@link Conv2D} or {@link Dense} layer applies to its output, fused into the kernel. */
public enum Activation {
    /** The identity: the layer outputs {@code x W + b} as it is (logits, for the last layer). */
    NONE,
    /** {@code max(x, 0)}. */
    RELU
}
