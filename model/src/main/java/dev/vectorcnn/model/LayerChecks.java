package dev.vectorcnn.model;

/** Argument checks for layer constructors and shape inference. */
final class LayerChecks {

    private LayerChecks() {
    }

    static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
        return value;
    }

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /** A VALID window larger than the input leaves no output; say so at build time, not at the first batch. */
    static void nonEmptyOutput(Layer layer, int[] input, int[] output) {
        for (int dim : output) {
            if (dim == 0) {
                throw new IllegalArgumentException(layer + " does not fit input " + Shapes.text(input)
                        + ": the output would be " + Shapes.text(output));
            }
        }
    }
}
