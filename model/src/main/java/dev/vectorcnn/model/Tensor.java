package dev.vectorcnn.model;

import java.util.Arrays;

/**
 * A row-major {@code float} array with a fixed shape, e.g. {@code [batch, height, width, channels]}
 * (NHWC, as TensorFlow). The shape is immutable; the data array is shared, not copied, so a tensor
 * is a view of the array it was made from.
 */
public final class Tensor {

    private static final int PREVIEW = 6;

    private final int[] shape;
    private final float[] data;

    /**
     * Wraps {@code data} (not copied) as a tensor of {@code shape}; the product of the dimensions
     * must equal {@code data.length}.
     *
     * @param data  the elements in row-major order, wrapped without copying
     * @param shape the dimensions, outermost first, none negative
     */
    public Tensor(float[] data, int... shape) {
        if (data == null) {
            throw new NullPointerException("data must not be null");
        }
        if (shape == null) {
            throw new NullPointerException("shape must not be null");
        }
        long size = Shapes.size(shape);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " elements but data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    /**
     * A tensor of {@code shape} filled with zeros.
     *
     * @param shape the dimensions, outermost first, none negative
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the shape holds more elements than
     *                                  one Java array can
     */
    public static Tensor zeros(int... shape) {
        if (shape == null) {
            throw new NullPointerException("shape must not be null");
        }
        return new Tensor(new float[Shapes.intSize(shape)], shape);
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
     * The number of dimensions.
     *
     * @return {@code shape().length}, 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The length of dimension {@code axis}.
     *
     * @param axis the dimension, 0 for the outermost
     * @return {@code shape()[axis]}
     * @throws IndexOutOfBoundsException if {@code axis} is not from 0 to {@code rank() - 1}
     */
    public int dim(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " out of bounds for tensor " + Arrays.toString(shape)
                    + " of rank " + shape.length);
        }
        return shape[axis];
    }

    /**
     * The number of elements, the product of the dimensions.
     *
     * @return {@code data().length}
     */
    public int size() {
        return data.length;
    }

    /**
     * The backing array (not a copy): writes through it change the tensor.
     *
     * @return the elements in row-major order
     */
    public float[] data() {
        return data;
    }

    /**
     * The element at a full index, one coordinate per dimension.
     *
     * @param index one coordinate per dimension, outermost first, each from 0 to {@code dim(axis) - 1}
     * @return the element at {@code index}
     */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates, tensor " + Arrays.toString(shape) + " needs " + shape.length);
        }
        int flat = 0;
        for (int axis = 0; axis < shape.length; axis++) {
            if (index[axis] < 0 || index[axis] >= shape[axis]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[axis] + index[axis];
        }
        return data[flat];
    }

    /** Equal when the shapes are equal and the data are bitwise equal element by element. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Tensor t) || !Arrays.equals(shape, t.shape)) {
            return false;
        }
        // Not Arrays.equals, which counts every NaN equal to every other whatever its payload bits.
        for (int i = 0; i < data.length; i++) {
            if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(t.data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** The shape and the first few values, e.g. {@code Tensor[2, 3] [0.5, 1.0, ... 6 values]}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(" [");
        int shown = Math.min(PREVIEW, data.length);
        for (int i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : ", ").append(data[i]);
        }
        if (data.length > shown) {
            text.append(", ... ").append(data.length).append(" values");
        }
        return text.append(']').toString();
    }
}
