package dev.vectorcnn.model;

/**
 * What a layer asks of the model for one parameter: its name within the layer ({@code kernel},
 * {@code bias}), its shape, and how to initialise it. {@code fanIn}/{@code fanOut} are used only by
 * Glorot-uniform initialisation.
 */
record ParameterSpec(String name, int[] shape, Initializer initializer, int fanIn, int fanOut) {

    /** How a parameter starts, as in TensorFlow's defaults. */
    enum Initializer {
        /** Uniform in {@code [-limit, limit)}, {@code limit = sqrt(6 / (fanIn + fanOut))} (Keras' kernel default). */
        GLOROT_UNIFORM,
        /** All zeros (Keras' bias default). */
        ZEROS
    }

    static ParameterSpec glorot(String name, int[] shape, int fanIn, int fanOut) {
        return new ParameterSpec(name, shape, Initializer.GLOROT_UNIFORM, fanIn, fanOut);
    }

    static ParameterSpec zeros(String name, int... shape) {
        return new ParameterSpec(name, shape, Initializer.ZEROS, 0, 0);
    }
}
