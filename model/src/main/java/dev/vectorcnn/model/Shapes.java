package dev.vectorcnn.model;

import java.util.Arrays;

/** Arithmetic on per-example shapes (the batch axis excluded), shared by the layers and the model. */
final class Shapes {

    private Shapes() {
    }

    /** The product of the dimensions; rejects negative dimensions and products beyond {@code long}. */
    static long size(int[] shape) {
        long size = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            try {
                size = Math.multiplyExact(size, dim);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                        + Long.MAX_VALUE + " elements", e);
            }
        }
        return size;
    }

    /** The product of the dimensions as an int; rejects shapes too large for one Java array. */
    static int intSize(int[] shape) {
        long size = size(shape);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than "
                    + Integer.MAX_VALUE + " elements");
        }
        return (int) size;
    }

    /**
     * {@code examples * perExample} as the length of one array.
     *
     * @param what   what the array holds, for the message
     * @param remedy what the caller can do instead, for the message
     * @throws IllegalArgumentException naming {@code what}, the counts and the limit when that is more
     *                                  than one Java array holds
     */
    static int arrayLength(int examples, int perExample, String what, String remedy) {
        long length = (long) examples * perExample;
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(examples + " examples of " + what + " (" + perExample
                    + " each) need " + length + " elements, more than one Java array holds (" + Integer.MAX_VALUE
                    + "); " + remedy);
        }
        return (int) length;
    }

    /** {@code [d0, d1, ...]}, the form every message uses. */
    static String text(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Requires a {@code [height, width, channels]} input for {@code layer}. */
    static void requireImage(Layer layer, int[] input) {
        if (input.length != 3) {
            throw new IllegalArgumentException(layer + " expects an input [height, width, channels], got "
                    + text(input) + (input.length == 1 ? " (a flat input; image layers must come before Flatten)" : ""));
        }
    }
}
