package dev.vectorcnn.kernels;

import java.math.BigInteger;

/**
 * Argument checks shared by every public kernel entry. Each failure is an
 * {@link IllegalArgumentException} (or {@link NullPointerException} for a missing array) whose
 * message names the argument and the values, thrown before anything is written.
 * Sizes are multiplied in {@code long} so that shapes near {@code Integer.MAX_VALUE} cannot wrap.
 */
final class Checks {

    private Checks() {
    }

    static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    static void notNull(String name, Object array) {
        if (array == null) {
            throw new NullPointerException(name + " must not be null");
        }
    }

    /**
     * Checks a row-major matrix of {@code rows x cols} stored in {@code array} from {@code offset}
     * with leading dimension {@code ld}.
     */
    static void matrix(String name, float[] array, int offset, int ld, int rows, int cols) {
        notNull(name, array);
        if (offset < 0) {
            throw new IllegalArgumentException(name + " offset must be >= 0, got " + offset);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("leading dimension of " + name + " must be >= max(1, " + cols
                    + ") for a " + rows + "x" + cols + " matrix, got " + ld);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long end = offset + (long) (rows - 1) * ld + cols;
        if (end > array.length) {
            throw new IllegalArgumentException(name + " too short: a " + rows + "x" + cols + " matrix at offset "
                    + offset + " with leading dimension " + ld + " needs length " + end + ", got " + array.length);
        }
    }

    /** Checks that {@code array} is non-null and holds at least {@code length} elements from index 0. */
    static void atLeast(String name, float[] array, long length) {
        notNull(name, array);
        lengthAtLeast(name, array.length, length);
    }

    /** Checks that {@code array} is non-null and holds at least {@code length} elements from index 0. */
    static void atLeast(String name, int[] array, long length) {
        notNull(name, array);
        lengthAtLeast(name, array.length, length);
    }

    /** Checks that {@code array} is non-null and holds at least {@code length} elements from index 0. */
    static void atLeast(String name, byte[] array, long length) {
        notNull(name, array);
        lengthAtLeast(name, array.length, length);
    }

    private static void lengthAtLeast(String name, int actual, long length) {
        if (actual < length) {
            throw new IllegalArgumentException(name + " too short: needs " + length + " elements, got " + actual);
        }
    }

    /** Checks that a product of dimensions fits an {@code int} index, returning it. */
    static int product(String what, long... dims) {
        long product = 1;
        for (long dim : dims) {
            product *= dim;
            if (product > Integer.MAX_VALUE) {
                throw tooManyElements(what, dims);
            }
        }
        return (int) product;
    }

    /**
     * Checks that a 4-D tensor of positive dimensions has at most {@code Integer.MAX_VALUE} elements; the
     * message names the tensor and its shape. Shapes are built on every convolution call's path (the
     * input gradient's shape as a forward among them), so nothing is allocated unless it throws.
     */
    static void tensorElements(String tensor, int d0, int d1, int d2, int d3) {
        // Each factor is below 2^31, so no step can overflow a long before the check after it.
        long product = (long) d0 * d1;
        if (product <= Integer.MAX_VALUE) {
            product *= d2;
        }
        if (product <= Integer.MAX_VALUE) {
            product *= d3;
        }
        if (product > Integer.MAX_VALUE) {
            throw tooManyElements(tensor + " [" + d0 + ", " + d1 + ", " + d2 + ", " + d3 + "]", d0, d1, d2, d3);
        }
    }

    private static IllegalArgumentException tooManyElements(String what, long... dims) {
        return new IllegalArgumentException(what + " has " + exactProduct(dims) + " elements, more than "
                + "Integer.MAX_VALUE (" + Integer.MAX_VALUE + ")");
    }

    /** The product of all of {@code dims}, exact: {@link #product} stops at the first factor past the limit, and all of them may overflow a long. */
    private static BigInteger exactProduct(long... dims) {
        BigInteger product = BigInteger.ONE;
        for (long dim : dims) {
            product = product.multiply(BigInteger.valueOf(dim));
        }
        return product;
    }
}
