package dev.vectorcnn.examples;

/**
 * What one training epoch measured: the mean training loss, accuracies as fractions in
 * {@code [0, 1]}, wall time and throughput.
 *
 * @param epoch           1-based epoch number
 * @param loss            mean training loss over the epoch (finite, {@code >= 0})
 * @param trainAccuracy   fraction of training examples classified correctly, in {@code [0, 1]}
 * @param testAccuracy    fraction of test examples classified correctly, in {@code [0, 1]}
 * @param seconds         wall time of the epoch in seconds ({@code >= 0})
 * @param imagesPerSecond training throughput ({@code >= 0})
 */
public record EpochMetrics(int epoch, double loss, double trainAccuracy, double testAccuracy, double seconds,
        double imagesPerSecond) {

    /**
     * Checks every field, so that a chart or a log never shows an impossible value.
     *
     * @throws IllegalArgumentException naming the field and its value, e.g. an accuracy given in
     *                                  percent ({@code 98.5}) instead of as a fraction
     */
    public EpochMetrics {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
        nonNegativeFinite("loss", loss);
        fraction("trainAccuracy", trainAccuracy);
        fraction("testAccuracy", testAccuracy);
        nonNegativeFinite("seconds", seconds);
        nonNegativeFinite("imagesPerSecond", imagesPerSecond);
    }

    private static void nonNegativeFinite(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }

    private static void fraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a fraction in [0, 1], got " + value);
        }
    }
}
