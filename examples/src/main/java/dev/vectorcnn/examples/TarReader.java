package dev.vectorcnn.examples;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the regular files of a tar stream (POSIX ustar, with pax {@code path}/{@code size}
 * overrides as npm writes them), enough to unpack an npm package tarball.
 *
 * <p>Use: {@code for (Entry e; (e = tar.next()) != null; ) { ... tar.content() ... }}. Directories,
 * links and other special entries are skipped. Every header's checksum is verified, so a damaged
 * or non-tar stream fails with an {@link IOException} instead of yielding garbage, and so does a size
 * that cannot be right (not a number, negative, beyond {@value #MAX_ENTRY_SIZE} bytes) or a pax
 * extended header beyond {@value #MAX_PAX_HEADER_SIZE} bytes (it is read into memory).
 * The caller owns (and closes) the underlying stream.
 */
final class TarReader {

    /** One regular file in the archive: its full path ({@code prefix/name}) and length in bytes. */
    record Entry(String name, long size) {
    }

    private static final int BLOCK = 512;

    /**
     * The largest entry accepted, 1 TiB: far above any npm package, far below where sizes plus
     * padding could overflow a {@code long}; a larger size is a damaged header.
     */
    static final long MAX_ENTRY_SIZE = 1L << 40;

    /** The largest pax extended header accepted, 1 MiB: npm's hold a path and a size or two. */
    static final int MAX_PAX_HEADER_SIZE = 1 << 20;

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining;
    private long padding;

    /** A reader over {@code in}, positioned at the first header. */
    TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Advances to the next regular file, skipping what is left of the current one.
     *
     * @return the entry, or {@code null} at the end of the archive
     * @throws IOException when a header is damaged or the stream ends inside an entry
     */
    Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        String paxPath = null;
        long paxSize = -1;
        while (true) {
            if (!readBlockOrEnd()) {
                return null;
            }
            if (isZeroBlock()) {
                return null; // end-of-archive marker
            }
            verifyChecksum();
            char type = (char) header[156];
            long size = paxSize >= 0 ? paxSize : parseSize();
            String name = paxPath != null ? paxPath : fullName();
            paxPath = null;
            paxSize = -1;
            long pad = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'x') {
                String records = new String(readPaxHeader(size), StandardCharsets.UTF_8);
                skipFully(pad);
                paxPath = paxValue(records, "path");
                String sizeValue = paxValue(records, "size");
                paxSize = sizeValue == null ? -1 : parsePaxSize(sizeValue);
            } else if (type == '0' || type == '\0') {
                remaining = size;
                padding = pad;
                return new Entry(name, size);
            } else {
                skipFully(size + pad); // directories, links, global pax headers: not needed here
            }
        }
    }

    /** The bytes of the current entry; reading past its end returns -1. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException("tar stream ends inside an entry (" + remaining + " bytes missing)");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private boolean readBlockOrEnd() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
            return false; // some writers omit the two zero blocks
        }
        if (n < BLOCK) {
            throw new EOFException("tar stream ends inside a header (" + n + " of " + BLOCK + " bytes)");
        }
        return true;
    }

    private boolean isZeroBlock() {
        for (byte b : header) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void verifyChecksum() throws IOException {
        long stored = parseOctal(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            // The checksum field itself counts as eight spaces.
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw new IOException("damaged tar header: checksum " + stored + " stored, " + sum + " computed");
        }
    }

    private long parseSize() throws IOException {
        if ((header[124] & 0x80) != 0) {
            // GNU base-256 encoding for sizes of 8 GiB and more: the field's other 95 bits are a
            // big-endian two's-complement number, so bit 0x40 of the first byte is its sign.
            if ((header[124] & 0x40) != 0) {
                throw new IOException("damaged tar header: negative size in base-256 encoding");
            }
            byte[] field = Arrays.copyOfRange(header, 124, 136);
            field[0] &= 0x3f; // the value's top bits, without the base-256 marker and the sign
            BigInteger size = new BigInteger(1, field);
            if (size.compareTo(BigInteger.valueOf(MAX_ENTRY_SIZE)) > 0) {
                throw tooLarge(size.toString());
            }
            return size.longValueExact();
        }
        return parseOctal(124, 12); // at most 12 octal digits: below 2^36, never negative or too large
    }

    /** The {@code size} value of a pax extended header: a decimal number of bytes. */
    private static long parsePaxSize(String value) throws IOException {
        long size;
        try {
            size = Long.parseLong(value);
        } catch (NumberFormatException e) {
            String shown = value.length() <= 40 ? value : value.substring(0, 40) + "...";
            throw new IOException("damaged tar header: pax size '" + shown + "' is not a number", e);
        }
        if (size < 0) {
            throw new IOException("damaged tar header: negative pax size " + size);
        }
        if (size > MAX_ENTRY_SIZE) {
            throw tooLarge(Long.toString(size));
        }
        return size;
    }

    private static IOException tooLarge(String size) {
        return new IOException("damaged tar header: size of " + size + " bytes, more than the " + MAX_ENTRY_SIZE
                + " this reader accepts");
    }

    private long parseOctal(int offset, int length) throws IOException {
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && header[i] == ' ') {
            i++;
        }
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            int digit = header[i] - '0';
            if (digit < 0 || digit > 7) {
                throw new IOException("damaged tar header: non-octal byte " + (header[i] & 0xff) + " in a numeric field");
            }
            value = value * 8 + digit;
        }
        return value;
    }

    private String fullName() {
        String name = field(0, 100);
        boolean ustar = field(257, 5).equals("ustar");
        String prefix = ustar ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** The value of {@code key} in pax extended-header records ({@code "<len> key=value\n"}), or null. */
    private static String paxValue(String records, String key) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            int equals = record.indexOf('=');
            if (space > 0 && equals > space && record.substring(space + 1, equals).equals(key)) {
                return record.substring(equals + 1);
            }
        }
        return null;
    }

    private byte[] readPaxHeader(long size) throws IOException {
        if (size > MAX_PAX_HEADER_SIZE) {
            throw new IOException("damaged tar header: pax extended header of " + size + " bytes, more than the "
                    + MAX_PAX_HEADER_SIZE + " this reader accepts");
        }
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length < size) {
            throw new EOFException("tar stream ends inside an extended header");
        }
        return bytes;
    }

    private void skipFully(long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar stream ends inside an entry (" + left + " bytes missing)");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }
}
