package dev.vectorcnn.model;

/**
 * One trainable array of a {@link Sequential} model, e.g. {@code 0.conv2d.kernel} with shape
 * {@code [3, 3, 1, 32]}. Names are {@code <layer index>.<layer type>.<kernel|bias>}; they are the
 * tensor names in checkpoints.
 */
public final class Parameter {

    private final String name;
    private final int[] shape;
    final float[] values;

    Parameter(String name, int[] shape) {
        this.name = name;
        this.shape = shape.clone();
        this.values = new float[Shapes.intSize(shape)];
    }

    /**
     * The name, unique within its model.
     *
     * @return {@code <layer index>.<layer type>.<kernel|bias>}, e.g. {@code 0.conv2d.kernel}
     */
    public String name() {
        return name;
    }

    /**
     * The dimensions (a copy).
     *
     * @return a new array of the dimensions, outermost first
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of scalars.
     *
     * @return the product of the dimensions
     */
    public int size() {
        return values.length;
    }

    /**
     * A copy of the current values.
     *
     * @return a tensor of {@link #shape()} over a new array, unaffected by later training
     */
    public Tensor value() {
        return new Tensor(values.clone(), shape);
    }

    /** E.g. {@code 0.conv2d.kernel [3, 3, 1, 32]}. */
    @Override
    public String toString() {
        return name + " " + Shapes.text(shape);
    }
}
