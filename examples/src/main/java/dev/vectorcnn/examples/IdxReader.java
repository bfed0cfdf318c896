package dev.vectorcnn.examples;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files MNIST ships in: unsigned-byte images {@code [count, rows, columns]} (magic
 * {@code 0x00000803}) and unsigned-byte labels {@code [count]} (magic {@code 0x00000801}), raw or
 * gzip-compressed (recognised by the gzip magic bytes, not by the file name).
 *
 * <p>Every check names the file and what is wrong: magic number, dimensions, a length that does not
 * match the header exactly (truncated or trailing bytes), labels outside the class range, damaged
 * gzip data, content longer than the caller expects. The format is big-endian: a 4-byte magic, one
 * 4-byte size per dimension, then the data.
 */
final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
    static final int IMAGES_MAGIC = 0x00000803;

    /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
    static final int LABELS_MAGIC = 0x00000801;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;

    /**
     * Gzip data that cannot be decompressed (bad header, damaged deflate stream, CRC mismatch, cut
     * short): the file's content is wrong, as opposed to the file being unreadable, so a cache may
     * delete it and fetch it again.
     */
    static final class CorruptGzipException extends IOException {
        CorruptGzipException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private IdxReader() {
    }

    /**
     * The uncompressed bytes of {@code file}: decompressed when it starts with the gzip magic
     * {@code 1f 8b}, else as stored; never more than {@code maxLength} bytes.
     *
     * @param maxLength the most bytes the caller accepts (the length it expects); at most
     *                  {@code Integer.MAX_VALUE - 9}
     * @throws BoundedRead.ContentTooLongException naming the file and the lengths when the file, or
     *                                             its decompressed content, is longer than
     *                                             {@code maxLength}
     * @throws CorruptGzipException                naming the file when its gzip data is damaged or
     *                                             truncated
     * @throws IOException                         when the file cannot be read
     */
    static byte[] readContent(Path file, int maxLength) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            in.mark(2);
            int first = in.read();
            int second = in.read();
            in.reset();
            if (first != 0x1f || second != 0x8b) {
                // The size first, so that an absurd file is refused before anything is read.
                long size = Files.size(file);
                if (size > maxLength) {
                    throw new BoundedRead.ContentTooLongException(file + ": " + size + " bytes, more than the "
                            + maxLength + " expected");
                }
                return BoundedRead.readAtMost(in, maxLength,
                        file + ": grew to more than the " + maxLength + " bytes expected");
            }
            try (InputStream gunzipped = new GZIPInputStream(in)) {
                return BoundedRead.readAtMost(gunzipped, maxLength,
                        file + ": decompresses to more than the " + maxLength + " bytes expected");
            } catch (ZipException | EOFException e) {
                throw new CorruptGzipException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
            }
        }
    }

    /**
     * Images {@code [count, rows, columns]} in the uncompressed IDX {@code content} of {@code file},
     * as {@code pixel / 255f}, row-major.
     *
     * @throws IOException naming the file when the content is not an IDX images file of exactly
     *                     {@code rows x columns} images and the length its header declares
     */
    static float[] parseImages(Path file, byte[] content, int rows, int columns) throws IOException {
        ByteBuffer header = header(file, content, IMAGES_HEADER_BYTES, IMAGES_MAGIC, "images");
        int count = header.getInt(4);
        int fileRows = header.getInt(8);
        int fileColumns = header.getInt(12);
        if (count < 0) {
            throw new IOException(file + ": negative image count " + count + " in the header");
        }
        if (fileRows != rows || fileColumns != columns) {
            throw new IOException(file + ": images are " + Integer.toUnsignedString(fileRows) + "x"
                    + Integer.toUnsignedString(fileColumns) + ", expected " + rows + "x" + columns);
        }
        long pixels = (long) count * rows * columns;
        checkLength(file, content, IMAGES_HEADER_BYTES, pixels, count + " images of " + rows + "x" + columns);
        float[] images = new float[(int) pixels];
        for (int i = 0; i < images.length; i++) {
            images[i] = (content[IMAGES_HEADER_BYTES + i] & 0xff) / 255f;
        }
        return images;
    }

    /**
     * Labels in the uncompressed IDX {@code content} of {@code file}, each checked to lie in
     * {@code 0..classes-1}.
     *
     * @throws IOException naming the file when the content is not an IDX labels file of exactly the
     *                     length its header declares, or a label is out of range
     */
    static int[] parseLabels(Path file, byte[] content, int classes) throws IOException {
        ByteBuffer header = header(file, content, LABELS_HEADER_BYTES, LABELS_MAGIC, "labels");
        int count = header.getInt(4);
        if (count < 0) {
            throw new IOException(file + ": negative label count " + count + " in the header");
        }
        checkLength(file, content, LABELS_HEADER_BYTES, count, count + " labels");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = content[LABELS_HEADER_BYTES + i] & 0xff;
            if (label >= classes) {
                throw new IOException(file + ": label " + label + " at index " + i + " is outside 0.." + (classes - 1));
            }
            labels[i] = label;
        }
        return labels;
    }

    /**
     * Checks that an images file and its labels file describe the same number of examples.
     *
     * @throws IOException naming both files and both counts when they differ
     */
    static void checkSameCount(Path imagesFile, int imageCount, Path labelsFile, int labelCount) throws IOException {
        if (imageCount != labelCount) {
            throw new IOException("image and label counts differ: " + imagesFile + " holds " + imageCount
                    + " images but " + labelsFile + " holds " + labelCount + " labels");
        }
    }

    private static ByteBuffer header(Path file, byte[] content, int headerBytes, int magic, String kind)
            throws IOException {
        if (content.length < headerBytes) {
            throw new IOException(file + ": truncated header: " + content.length + " bytes, an IDX " + kind
                    + " file needs " + headerBytes);
        }
        ByteBuffer header = ByteBuffer.wrap(content, 0, headerBytes); // big-endian, as IDX is
        int actual = header.getInt(0);
        if (actual != magic) {
            throw new IOException(file + ": magic number " + hex(actual) + ", expected " + hex(magic)
                    + " (IDX unsigned-byte " + kind + ")");
        }
        return header;
    }

    private static void checkLength(Path file, byte[] content, int headerBytes, long items, String declared)
            throws IOException {
        long expected = headerBytes + items;
        if (content.length < expected) {
            throw new IOException(file + ": truncated: the header declares " + declared + " (" + expected
                    + " bytes with the header) but there are only " + content.length + " bytes");
        }
        if (content.length > expected) {
            throw new IOException(file + ": " + (content.length - expected) + " unexpected bytes after the "
                    + declared + " the header declares (" + expected + " bytes expected)");
        }
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
