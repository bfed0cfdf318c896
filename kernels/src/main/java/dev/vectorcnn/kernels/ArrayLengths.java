package dev.vectorcnn.kernels;

/**
 * Length checks for the kernels whose arrays start at index 0 (no offsets): a
 * {@link NullPointerException} naming a missing array, an {@link IllegalArgumentException} naming a
 * short one with both lengths.
 */
final class ArrayLengths {

    private ArrayLengths() {
    }

    /** Checks that {@code array} is non-null and holds at least {@code length} elements. */
    static void atLeast(String name, float[] array, long length) {
        Checks.notNull(name, array);
        if (array.length < length) {
            throw new IllegalArgumentException(name + " too short: needs " + length + " elements, got " + array.length);
        }
    }

    /** Checks that {@code array} is non-null and holds at least {@code length} elements. */
    static void atLeast(String name, int[] array, long length) {
        Checks.notNull(name, array);
        if (array.length < length) {
            throw new IllegalArgumentException(name + " too short: needs " + length + " elements, got " + array.length);
        }
    }
}
