package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tar extraction on small archives built here byte by byte (ustar headers written from the POSIX
 * layout) and, where the machine has it, by GNU tar in pax format (an independent writer, and the
 * format npm uses for long paths).
 */
class TarReaderTest {

    @TempDir
    Path dir;

    /** A 512-byte ustar header; {@code type} '0' file, '5' directory, 'x' pax. */
    private static byte[] header(String prefix, String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        put(h, 345, prefix);
        return withChecksum(h);
    }

    /** {@code h} with its checksum field (bytes 148-155) filled in for its other bytes. */
    private static byte[] withChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    /** A file header whose 12-byte size field (bytes 124-135) is {@code sizeField}, GNU base-256. */
    private static byte[] base256Header(String name, byte[] sizeField) {
        byte[] h = header("", name, 0, '0');
        System.arraycopy(sizeField, 0, h, 124, 12);
        return withChecksum(h);
    }

    /** A pax extended header ('x') holding one {@code key=value} record, then a 3-byte file. */
    private static byte[] paxThenFile(String key, String value) {
        String record = " " + key + "=" + value + "\n";
        int length = record.length() + 1;
        while (Integer.toString(length).length() + record.length() != length) {
            length++; // the decimal length counts itself
        }
        byte[] pax = (length + record).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, header("", "PaxHeader/file", pax.length, 'x'), pax);
        entry(tar, header("", "file", 3, '0'), new byte[] {1, 2, 3});
        tar.writeBytes(new byte[1024]);
        return tar.toByteArray();
    }

    private static String nextFails(byte[] tar) {
        return assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(tar)).next()).getMessage();
    }

    private static void put(byte[] h, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }

    private static void entry(ByteArrayOutputStream tar, byte[] header, byte[] data) {
        tar.writeBytes(header);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static byte[] bytes(int length, int seed) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31 + seed);
        }
        return data;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Every regular file of a gzip-compressed tar, by name. */
    private static Map<String, byte[]> readAll(byte[] tgz) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
            TarReader tar = new TarReader(in);
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                byte[] content = tar.content().readAllBytes();
                assertEquals(e.size(), content.length, e.name());
                files.put(e.name(), content);
            }
        }
        return files;
    }

    @Test
    void regular_files_come_out_whole_and_directories_are_skipped() throws IOException {
        byte[] small = bytes(7, 1);
        byte[] exactBlock = bytes(512, 2);
        byte[] large = bytes(1300, 3);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, header("", "package/", 0, '5'), new byte[0]);
        entry(tar, header("", "package/a.txt", small.length, '0'), small);
        entry(tar, header("", "package/empty", 0, '0'), new byte[0]);
        entry(tar, header("", "package/data/block", exactBlock.length, '0'), exactBlock);
        entry(tar, header("package/data", "large", large.length, '\0'), large);
        tar.writeBytes(new byte[1024]);

        Map<String, byte[]> files = readAll(gzip(tar.toByteArray()));

        assertEquals(4, files.size(), files.keySet().toString());
        assertArrayEquals(small, files.get("package/a.txt"));
        assertArrayEquals(new byte[0], files.get("package/empty"));
        assertArrayEquals(exactBlock, files.get("package/data/block"));
        assertArrayEquals(large, files.get("package/data/large"));
    }

    @Test
    void unread_content_is_skipped_by_next() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, header("", "first", 1000, '0'), bytes(1000, 4));
        entry(tar, header("", "second", 3, '0'), new byte[] {7, 8, 9});
        // No end-of-archive blocks: some writers omit them.
        TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()));
        assertEquals("first", reader.next().name());
        assertEquals(new TarReader.Entry("second", 3), reader.next());
        assertArrayEquals(new byte[] {7, 8, 9}, reader.content().readAllBytes());
        assertNull(reader.next());
    }

    @Test
    void pax_path_overrides_the_header_name() throws IOException {
        String longPath = "package/" + "d".repeat(120) + "/file.bin";
        String record = " path=" + longPath + "\n";
        int length = record.length() + 3; // the decimal length counts itself: 3 digits here
        byte[] pax = (length + record).getBytes(StandardCharsets.UTF_8);
        assertEquals(length, pax.length);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, header("", "PaxHeader/file.bin", pax.length, 'x'), pax);
        entry(tar, header("", "truncated-name", 2, '0'), new byte[] {1, 2});
        tar.writeBytes(new byte[1024]);
        assertArrayEquals(new byte[] {1, 2}, readAll(gzip(tar.toByteArray())).get(longPath));
    }

    @Test
    void damaged_header_checksum_is_rejected() {
        byte[] h = header("", "file", 1, '0');
        h[0] = 'F';
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, h, new byte[] {1});
        IOException e = assertThrows(IOException.class,
                () -> new TarReader(new ByteArrayInputStream(tar.toByteArray())).next());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    /** Used to escape as a NumberFormatException. */
    @Test
    void pax_size_that_is_not_a_number_is_a_damaged_header() {
        assertEquals("damaged tar header: pax size '12abc' is not a number", nextFails(paxThenFile("size", "12abc")));
    }

    @Test
    void negative_pax_size_is_a_damaged_header() {
        assertEquals("damaged tar header: negative pax size -600", nextFails(paxThenFile("size", "-600")));
    }

    @Test
    void absurd_pax_size_is_a_damaged_header() {
        assertEquals("damaged tar header: size of 9223372036854775807 bytes, more than the 1099511627776 this reader "
                + "accepts", nextFails(paxThenFile("size", Long.toString(Long.MAX_VALUE))));
    }

    /** All ones is -1 in base-256; it used to come out as a size of -1, an IndexOutOfBoundsException when read. */
    @Test
    void negative_base_256_size_is_a_damaged_header() {
        byte[] minusOne = new byte[12];
        Arrays.fill(minusOne, (byte) 0xff);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(base256Header("file", minusOne));
        tar.writeBytes(new byte[1024]);
        assertEquals("damaged tar header: negative size in base-256 encoding", nextFails(tar.toByteArray()));
    }

    /** 2^64 used to wrap around to 0. */
    @Test
    void base_256_size_beyond_a_long_is_a_damaged_header() {
        byte[] twoTo64 = new byte[12];
        twoTo64[0] = (byte) 0x80;
        twoTo64[3] = 1;
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(base256Header("file", twoTo64));
        tar.writeBytes(new byte[1024]);
        assertEquals("damaged tar header: size of 18446744073709551616 bytes, more than the 1099511627776 this reader "
                + "accepts", nextFails(tar.toByteArray()));
    }

    @Test
    void base_256_size_reads_as_the_number_it_encodes() throws IOException {
        byte[] field = new byte[12];
        field[0] = (byte) 0x80;
        field[7] = 2;    // 2 * 2^32
        field[11] = 5;
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(base256Header("big", field));
        assertEquals(new TarReader.Entry("big", (2L << 32) + 5), new TarReader(new ByteArrayInputStream(tar.toByteArray())).next());
    }

    /** Used to be read into memory up to 2 GiB. */
    @Test
    void pax_header_larger_than_the_limit_is_a_damaged_header() {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(header("", "PaxHeader/file", TarReader.MAX_PAX_HEADER_SIZE + 1L, 'x'));
        assertEquals("damaged tar header: pax extended header of 1048577 bytes, more than the 1048576 this reader "
                + "accepts", nextFails(tar.toByteArray()));
    }

    @Test
    void stream_ending_inside_an_entry_is_rejected() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(header("", "file", 2000, '0'));
        tar.writeBytes(bytes(100, 5));
        TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()));
        reader.next();
        assertThrows(EOFException.class, () -> reader.content().readAllBytes());
    }

    @Test
    void stream_ending_inside_a_header_is_rejected() {
        byte[] partial = Arrays.copyOf(header("", "file", 0, '0'), 300);
        assertThrows(EOFException.class, () -> new TarReader(new ByteArrayInputStream(partial)).next());
    }

    @Test
    void archive_written_by_gnu_tar_in_pax_format() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")),
                "GNU tar not installed");
        Path root = Files.createDirectories(dir.resolve("package/" + "long-directory-name-".repeat(6) + "/data"));
        byte[] content = bytes(70_000, 6);
        Files.write(root.resolve("train-labels-idx1-ubyte"), content);
        Files.writeString(dir.resolve("package/readme.md"), "hello");
        Path tgz = dir.resolve("out.tgz");
        Process tar = new ProcessBuilder("tar", "--format=pax", "-czf", tgz.toString(), "-C", dir.toString(), "package")
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS), "tar did not finish");
        assertEquals(0, tar.exitValue(), () -> new String(readQuietly(tar.getInputStream())));

        Map<String, byte[]> files = readAll(Files.readAllBytes(tgz));

        String relative = dir.relativize(root.resolve("train-labels-idx1-ubyte")).toString();
        assertArrayEquals(content, files.get(relative), files.keySet().toString());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), files.get("package/readme.md"));
    }

    private static byte[] readQuietly(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
