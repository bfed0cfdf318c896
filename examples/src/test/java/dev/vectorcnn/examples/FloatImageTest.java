package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FloatImage.read: every failure names the file and says it could not be read as an image. */
class FloatImageTest {

    @TempDir
    Path dir;

    private Path smallPng() throws IOException {
        return DemoTestSupport.writePng(dir.resolve("small.png"), 8, 6, (x, y) -> 0x336699);
    }

    /**
     * A copy of a valid PNG whose header (IHDR: width at byte 16, height at 20, CRC of bytes 12-28
     * at 29) claims {@code width x height}; the pixel data stays that of the 8x6 image.
     */
    private Path pngClaiming(int width, int height) throws IOException {
        byte[] png = Files.readAllBytes(smallPng());
        ByteBuffer header = ByteBuffer.wrap(png);
        header.putInt(16, width);
        header.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        header.putInt(29, (int) crc.getValue());
        return Files.write(dir.resolve("claims-" + width + "x" + height + ".png"), png);
    }

    @Test
    void valid_png_reads_as_rgb() throws IOException {
        FloatImage image = FloatImage.read(smallPng());
        assertEquals("small", image.name());
        assertEquals(6, image.height());
        assertEquals(8, image.width());
        assertEquals(0x33 / 255f, image.pixels()[0]);
        assertEquals(0x99 / 255f, image.pixels()[2]);
    }

    /** Used to be "Error reading PNG image data", no file name. */
    @Test
    void truncated_png_names_the_file() throws IOException {
        byte[] bytes = Files.readAllBytes(smallPng());
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> FloatImage.read(truncated));
        assertTrue(e.getMessage().startsWith("cannot read " + truncated + " as an image: "), e.getMessage());
    }

    /** Used to be "java.lang.IllegalArgumentException: Invalid scanline stride". */
    @Test
    void header_too_large_for_an_array_names_the_file_and_size() throws IOException {
        Path huge = pngClaiming(40_000, 40_000);
        IOException e = assertThrows(IOException.class, () -> FloatImage.read(huge));
        assertEquals("cannot read " + huge + " as an image: 40000x40000 pixels is too large: at most 715827879 "
                + "pixels fit in one image", e.getMessage());
    }

    /**
     * A width whose float copy (12 bytes a pixel) alone exceeds this JVM's maximum heap. The module's
     * Surefire forks run with -Xmx512m, so the heap, not the array limit, is what stops this image.
     */
    @Test
    void header_too_large_for_the_heap_names_the_file_and_the_heap() throws IOException {
        long maxHeap = Runtime.getRuntime().maxMemory();
        long width = maxHeap / 12 + 1;
        assertTrue(3 * width <= Integer.MAX_VALUE - 8, "a heap of " + (maxHeap >> 20)
                + " MiB: so large that the array limit comes first (the forks should run with -Xmx512m)");
        Path huge = pngClaiming((int) width, 1);
        IOException e = assertThrows(IOException.class, () -> FloatImage.read(huge));
        assertTrue(e.getMessage().startsWith("cannot read " + huge + " as an image: " + width + "x1 pixels need at least "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("more than this JVM's maximum heap of " + (maxHeap >> 20) + " MiB (-Xmx)"),
                e.getMessage());
    }

    @Test
    void text_file_is_not_an_image() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "not a picture");
        IOException e = assertThrows(IOException.class, () -> FloatImage.read(text));
        assertEquals(text + " is not an image this Java runtime can read (PNG, JPEG, GIF or BMP)", e.getMessage());
    }

    @Test
    void missing_file_says_where_it_looked() {
        Path missing = dir.resolve("missing.png");
        IOException e = assertThrows(IOException.class, () -> FloatImage.read(missing));
        assertTrue(e.getMessage().startsWith("image not found: " + missing), e.getMessage());
    }
}
