package dev.vectorcnn.examples;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads content whose length has a known upper bound, never more than one byte past it: that byte
 * is enough to know the content is wrong, whereas an oversized file or a gzip bomb read whole would
 * exhaust the heap first. Used for the MNIST files in the cache ({@link IdxReader#readContent}) and
 * for the {@code .gz} files the downloader decompresses.
 */
final class BoundedRead {

    /**
     * Content longer than the caller's limit: the content is wrong, as a damaged gzip stream is, so a
     * cache may set it aside.
     */
    static final class ContentTooLongException extends IOException {
        ContentTooLongException(String message) {
            super(message);
        }
    }

    private BoundedRead() {
    }

    /**
     * The rest of {@code in}, when it holds at most {@code maxLength} bytes.
     *
     * @param maxLength      the most bytes the caller accepts; at most {@code Integer.MAX_VALUE - 9},
     *                       since one byte more is read into an array
     * @param tooLongMessage the exception's message when {@code in} holds more: it names the content
     *                       and the limit, which only the caller knows how to say
     * @throws ContentTooLongException with {@code tooLongMessage}, once byte {@code maxLength + 1}
     *                                 has been read
     * @throws IOException             when {@code in} cannot be read
     */
    static byte[] readAtMost(InputStream in, int maxLength, String tooLongMessage) throws IOException {
        byte[] content = in.readNBytes(maxLength + 1);
        if (content.length > maxLength) {
            throw new ContentTooLongException(tooLongMessage);
        }
        return content;
    }
}
