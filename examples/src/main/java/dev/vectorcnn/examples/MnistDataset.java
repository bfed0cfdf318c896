package dev.vectorcnn.examples;

import java.util.Objects;

/**
 * MNIST in memory: images {@code [N, 28, 28]} row-major as {@code pixel / 255f} in {@code [0, 1]},
 * labels {@code [N]} in {@code 0..9}; 60000 training and 10000 test examples.
 *
 * <p>The arrays are shared, not copied: the record is a carrier for one load, and a trainer reads
 * them in place.
 *
 * @param trainImages 60000 * 28 * 28 training pixels
 * @param trainLabels 60000 training labels
 * @param testImages  10000 * 28 * 28 test pixels
 * @param testLabels  10000 test labels
 */
public record MnistDataset(float[] trainImages, int[] trainLabels, float[] testImages, int[] testLabels) {

    /** Image height and width in pixels. */
    public static final int IMAGE_SIZE = 28;

    /** Pixels per image ({@code 28 * 28}). */
    public static final int PIXELS_PER_IMAGE = IMAGE_SIZE * IMAGE_SIZE;

    /** Number of classes (the digits 0 to 9). */
    public static final int CLASSES = 10;

    /**
     * {@code images.length == labels.length * 784} for both splits.
     *
     * @throws NullPointerException     naming a missing array
     * @throws IllegalArgumentException when an image array does not hold 784 pixels per label
     */
    public MnistDataset {
        Objects.requireNonNull(trainImages, "trainImages must not be null");
        Objects.requireNonNull(trainLabels, "trainLabels must not be null");
        Objects.requireNonNull(testImages, "testImages must not be null");
        Objects.requireNonNull(testLabels, "testLabels must not be null");
        checkSplit("train", trainImages, trainLabels);
        checkSplit("test", testImages, testLabels);
    }

    /**
     * Number of training examples.
     *
     * @return {@code trainLabels().length}, 60000 for the full MNIST
     */
    public int trainCount() {
        return trainLabels.length;
    }

    /**
     * Number of test examples.
     *
     * @return {@code testLabels().length}, 10000 for the full MNIST
     */
    public int testCount() {
        return testLabels.length;
    }

    private static void checkSplit(String split, float[] images, int[] labels) {
        if (images.length != (long) labels.length * PIXELS_PER_IMAGE) {
            throw new IllegalArgumentException(split + "Images must hold " + PIXELS_PER_IMAGE + " pixels for each of "
                    + labels.length + " labels (" + (long) labels.length * PIXELS_PER_IMAGE + "), got "
                    + images.length);
        }
    }
}
