package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX parsing on small files written here, raw and gzip, and every way such a file can be wrong. */
class IdxReaderTest {

    private static final int ROWS = 2;
    private static final int COLUMNS = 3;

    /** A limit far above any file these tests write, for the tests that are not about it. */
    private static final int ANY_LENGTH = 1 << 20;

    @TempDir
    Path dir;

    /** Big-endian IDX bytes: magic, dimensions, data. */
    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.putInt(magic);
        for (int dim : dims) {
            buffer.putInt(dim);
        }
        buffer.put(data);
        return buffer.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Two 2x3 images whose pixels are 0, 1, ..., 5 and 250..255. */
    private static byte[] twoImagePixels() {
        byte[] pixels = new byte[2 * ROWS * COLUMNS];
        for (int i = 0; i < 6; i++) {
            pixels[i] = (byte) i;
            pixels[6 + i] = (byte) (250 + i);
        }
        return pixels;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void assertMessage(IOException e, Path file, String... fragments) {
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()), () -> "message should name " + file + ": " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "message should contain '" + fragment + "': " + message);
        }
    }

    @Test
    void raw_images_are_unsigned_pixels_over_255() throws IOException {
        Path file = write("images", idx(IdxReader.IMAGES_MAGIC, new int[] {2, ROWS, COLUMNS}, twoImagePixels()));
        float[] images = readImages(file, ROWS, COLUMNS);
        float[] expected = {0, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f, 5 / 255f,
            250 / 255f, 251 / 255f, 252 / 255f, 253 / 255f, 254 / 255f, 1f};
        assertArrayEquals(expected, images, 0f);
    }

    @Test
    void gzip_images_read_the_same_as_raw_whatever_the_name() throws IOException {
        byte[] raw = idx(IdxReader.IMAGES_MAGIC, new int[] {2, ROWS, COLUMNS}, twoImagePixels());
        Path rawFile = write("images", raw);
        Path gzFile = write("images-without-gz-suffix", gzip(raw));
        assertArrayEquals(readImages(rawFile, ROWS, COLUMNS), readImages(gzFile, ROWS, COLUMNS), 0f);
        assertArrayEquals(raw, IdxReader.readContent(gzFile, ANY_LENGTH));
    }

    @Test
    void labels_raw_and_gzip() throws IOException {
        byte[] raw = idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {5, 0, 4, 9});
        assertArrayEquals(new int[] {5, 0, 4, 9}, readLabels(write("labels", raw), 10));
        assertArrayEquals(new int[] {5, 0, 4, 9}, readLabels(write("labels.gz", gzip(raw)), 10));
    }

    @Test
    void zero_images_is_a_valid_empty_file() throws IOException {
        Path file = write("empty", idx(IdxReader.IMAGES_MAGIC, new int[] {0, ROWS, COLUMNS}, new byte[0]));
        assertEquals(0, readImages(file, ROWS, COLUMNS).length);
    }

    @Test
    void images_file_with_labels_magic_is_rejected() throws IOException {
        Path file = write("images", idx(IdxReader.LABELS_MAGIC, new int[] {2, ROWS, COLUMNS}, twoImagePixels()));
        IOException e = assertThrows(IOException.class, () -> readImages(file, ROWS, COLUMNS));
        assertMessage(e, file, "magic number 0x00000801", "expected 0x00000803");
    }

    @Test
    void labels_file_with_images_magic_is_rejected() throws IOException {
        Path file = write("labels", idx(IdxReader.IMAGES_MAGIC, new int[] {1}, new byte[] {3, 0, 0, 0, 0, 0, 0, 0}));
        IOException e = assertThrows(IOException.class, () -> readLabels(file, 10));
        assertMessage(e, file, "magic number 0x00000803", "expected 0x00000801");
    }

    @Test
    void truncated_header_is_rejected() throws IOException {
        byte[] whole = idx(IdxReader.IMAGES_MAGIC, new int[] {2, ROWS, COLUMNS}, twoImagePixels());
        Path file = write("images", Arrays.copyOf(whole, 10));
        IOException e = assertThrows(IOException.class, () -> readImages(file, ROWS, COLUMNS));
        assertMessage(e, file, "truncated header", "10 bytes", "needs 16");
    }

    @Test
    void empty_file_is_rejected() throws IOException {
        Path file = write("labels", new byte[0]);
        IOException e = assertThrows(IOException.class, () -> readLabels(file, 10));
        assertMessage(e, file, "truncated header", "0 bytes");
    }

    @Test
    void truncated_images_are_rejected() throws IOException {
        byte[] whole = idx(IdxReader.IMAGES_MAGIC, new int[] {2, ROWS, COLUMNS}, twoImagePixels());
        Path file = write("images", Arrays.copyOf(whole, whole.length - 1));
        IOException e = assertThrows(IOException.class, () -> readImages(file, ROWS, COLUMNS));
        assertMessage(e, file, "truncated", "2 images of 2x3", "28 bytes", "only 27 bytes");
    }

    @Test
    void truncated_labels_are_rejected() throws IOException {
        Path file = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {5}, new byte[] {1, 2, 3}));
        IOException e = assertThrows(IOException.class, () -> readLabels(file, 10));
        assertMessage(e, file, "truncated", "5 labels", "only 11 bytes");
    }

    @Test
    void trailing_bytes_are_rejected() throws IOException {
        byte[] pixels = Arrays.copyOf(twoImagePixels(), 13);
        Path file = write("images", idx(IdxReader.IMAGES_MAGIC, new int[] {2, ROWS, COLUMNS}, pixels));
        IOException e = assertThrows(IOException.class, () -> readImages(file, ROWS, COLUMNS));
        assertMessage(e, file, "1 unexpected bytes");
    }

    @Test
    void wrong_dimensions_are_rejected() throws IOException {
        Path file = write("images", idx(IdxReader.IMAGES_MAGIC, new int[] {2, COLUMNS, ROWS}, twoImagePixels()));
        IOException e = assertThrows(IOException.class, () -> readImages(file, ROWS, COLUMNS));
        assertMessage(e, file, "images are 3x2, expected 2x3");
    }

    @Test
    void negative_count_is_rejected() throws IOException {
        Path file = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {-1}, new byte[0]));
        IOException e = assertThrows(IOException.class, () -> readLabels(file, 10));
        assertMessage(e, file, "negative label count -1");
    }

    @Test
    void label_outside_class_range_is_rejected() throws IOException {
        Path file = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, (byte) 200, 2}));
        IOException e = assertThrows(IOException.class, () -> readLabels(file, 10));
        assertMessage(e, file, "label 200 at index 1 is outside 0..9");
    }

    @Test
    void image_and_label_count_mismatch_is_rejected() {
        Path images = dir.resolve("images");
        Path labels = dir.resolve("labels");
        IOException e = assertThrows(IOException.class, () -> IdxReader.checkSameCount(images, 3, labels, 4));
        assertMessage(e, images, labels.toString(), "3 images", "4 labels");
    }

    @Test
    void truncated_gzip_is_rejected() throws IOException {
        byte[] gz = gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {2, ROWS, COLUMNS}, twoImagePixels()));
        Path file = write("images.gz", Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IOException.class, () -> readImages(file, ROWS, COLUMNS));
        assertMessage(e, file, "corrupt or truncated gzip");
    }

    /** MnistData deletes files with damaged gzip data, so it must be told apart from a file it cannot read. */
    @Test
    void damaged_gzip_is_reported_as_corrupt_content_but_a_missing_file_is_not() throws IOException {
        byte[] gz = gzip(idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3}));
        Path damaged = write("labels.gz", Arrays.copyOf(gz, gz.length - 5));
        assertThrows(IdxReader.CorruptGzipException.class, () -> IdxReader.readContent(damaged, ANY_LENGTH));
        IOException missing = assertThrows(IOException.class, () -> IdxReader.readContent(dir.resolve("absent.gz"), ANY_LENGTH));
        assertFalse(missing instanceof IdxReader.CorruptGzipException, missing.toString());
    }

    @Test
    void corrupt_gzip_is_rejected() throws IOException {
        byte[] gz = gzip(idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3}));
        for (int i = 10; i < gz.length - 8; i++) {
            gz[i] ^= (byte) 0x5a; // scramble the deflate stream, keep the gzip magic
        }
        Path file = write("labels.gz", gz);
        IOException e = assertThrows(IOException.class, () -> readLabels(file, 10));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void content_of_exactly_the_limit_is_read_raw_and_gzip() throws IOException {
        byte[] raw = idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {5, 0, 4, 9});
        assertArrayEquals(raw, IdxReader.readContent(write("labels", raw), raw.length));
        assertArrayEquals(raw, IdxReader.readContent(write("labels.gz", gzip(raw)), raw.length));
    }

    @Test
    void raw_file_longer_than_the_limit_is_refused_by_its_size() throws IOException {
        Path file = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {5, 0, 4, 9}));
        IOException e = assertThrows(BoundedRead.ContentTooLongException.class, () -> IdxReader.readContent(file, 11));
        assertEquals(file + ": 12 bytes, more than the 11 expected", e.getMessage());
    }

    @Test
    void gzip_content_longer_than_the_limit_is_refused_at_the_limit() throws IOException {
        Path file = write("labels.gz", gzip(idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[] {5, 0, 4, 9})));
        IOException e = assertThrows(BoundedRead.ContentTooLongException.class, () -> IdxReader.readContent(file, 11));
        assertEquals(file + ": decompresses to more than the 11 bytes expected", e.getMessage());
    }

    /** A file read as MnistData reads it: its content, gunzipped if need be, then parsed. */
    private static float[] readImages(Path file, int rows, int columns) throws IOException {
        return IdxReader.parseImages(file, IdxReader.readContent(file, ANY_LENGTH), rows, columns);
    }

    private static int[] readLabels(Path file, int classes) throws IOException {
        return IdxReader.parseLabels(file, IdxReader.readContent(file, ANY_LENGTH), classes);
    }
}
