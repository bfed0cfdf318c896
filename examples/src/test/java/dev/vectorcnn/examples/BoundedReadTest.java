package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Content up to the limit comes back whole; longer content is refused having read one byte past the limit. */
class BoundedReadTest {

    /** An endless stream of zeros that counts the bytes taken from it. */
    private static final class EndlessZeros extends InputStream {
        long bytesRead;

        @Override
        public int read() {
            bytesRead++;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            bytesRead += length;
            return length;
        }
    }

    @Test
    void content_of_exactly_the_limit_is_returned() throws IOException {
        byte[] content = {5, 0, 4, 1, 9};
        assertArrayEquals(content, BoundedRead.readAtMost(new ByteArrayInputStream(content), 5, "unused"));
    }

    @Test
    void content_below_the_limit_and_empty_content_are_returned() throws IOException {
        byte[] shorter = {7, 7};
        assertArrayEquals(shorter, BoundedRead.readAtMost(new ByteArrayInputStream(shorter), 5, "unused"));
        assertArrayEquals(new byte[0], BoundedRead.readAtMost(InputStream.nullInputStream(), 0, "unused"));
    }

    @Test
    void content_one_byte_past_the_limit_is_refused_with_the_callers_message() {
        IOException e = assertThrows(BoundedRead.ContentTooLongException.class,
                () -> BoundedRead.readAtMost(new ByteArrayInputStream(new byte[6]), 5, "six bytes: too long"));
        assertEquals("six bytes: too long", e.getMessage());
    }

    /** An endless stream stands for a gzip bomb: read whole, it would never end. */
    @Test
    void endless_content_is_refused_after_one_byte_past_the_limit() {
        EndlessZeros endless = new EndlessZeros();
        assertThrows(BoundedRead.ContentTooLongException.class,
                () -> BoundedRead.readAtMost(endless, 100_000, "endless"));
        assertEquals(100_001, endless.bytesRead);
    }
}
