package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FloatImage.read and readSize: every failure names the file and says it could not be read as an image. */
class FloatImageTest {

    @TempDir
    Path dir;

    private Path smallPng() throws IOException {
        return DemoTestSupport.writePng(dir.resolve("small.png"), 8, 6, (x, y) -> 0x336699);
    }

    private Path pngClaiming(int width, int height) throws IOException {
        return DemoTestSupport.pngClaiming(dir, width, height);
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

    @Test
    void size_comes_from_the_header_alone() throws IOException {
        assertEquals(new FloatImage.Size(8, 6), FloatImage.readSize(smallPng()));
        // The pixel data is that of an 8x6 image: decoding it would fail.
        assertEquals(new FloatImage.Size(5000, 4000), FloatImage.readSize(pngClaiming(5000, 4000)));
        assertEquals("5000x4000", new FloatImage.Size(5000, 4000).toString());
    }

    @Test
    void size_too_large_for_an_array_names_the_file_and_size() throws IOException {
        Path huge = pngClaiming(40_000, 40_000);
        IOException e = assertThrows(IOException.class, () -> FloatImage.readSize(huge));
        assertEquals("cannot read " + huge + " as an image: 40000x40000 pixels is too large: at most 715827879 "
                + "pixels fit in one image", e.getMessage());
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
