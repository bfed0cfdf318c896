package dev.vectorcnn.kernels;

/**
 * Range checks for optimizer settings, rejecting the values that would write NaN or infinity into the
 * parameters ({@link IllegalArgumentException} naming the setting and its value).
 */
final class HyperparameterChecks {

    private HyperparameterChecks() {
    }

    /** Finite and {@code >= 0}: a negative rate would climb the loss, a non-finite one poison every parameter. */
    static void nonNegativeFinite(String name, float value) {
        if (!(value >= 0f && value < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }

    /** Finite and {@code > 0}. */
    static void positiveFinite(String name, float value) {
        if (!(value > 0f && value < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }

    /** In {@code [0, 1)}: a decay rate of 1 or more never forgets (Adam's bias correction divides by 0). */
    static void decayRate(String name, float value) {
        if (!(value >= 0f && value < 1f)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
    }

    /** Element count and the arrays holding at least that many elements. */
    static void elements(int n, String[] names, float[]... arrays) {
        Checks.nonNegative("n", n);
        for (int i = 0; i < arrays.length; i++) {
            Checks.atLeast(names[i], arrays[i], n);
        }
    }
}
