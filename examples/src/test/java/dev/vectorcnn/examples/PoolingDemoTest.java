package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PoolingDemo: 2x2 stride-2 VALID max pooling against a direct loop, and the files a run writes. */
class PoolingDemoTest {

    @TempDir
    Path dir;

    /** Odd sizes: VALID drops the last row and column. Max is exact, so equality is exact. */
    @Test
    void max_pool_equals_direct_window_maxima_on_odd_sizes() {
        FloatImage image = DemoTestSupport.randomImage("r", 5, 7, 3, 9);
        FloatImage pooled = PoolingDemo.maxPool(image);
        assertEquals(2, pooled.height());
        assertEquals(3, pooled.width());
        assertEquals(3, pooled.channels());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            max = Math.max(max, image.pixels()[((2 * y + dy) * 7 + 2 * x + dx) * 3 + c]);
                        }
                    }
                    assertEquals(max, pooled.pixels()[(y * 3 + x) * 3 + c], "at " + y + "," + x + "," + c);
                }
            }
        }
    }

    @Test
    void main_with_builtin_images_writes_before_and_after() throws IOException {
        Path out = dir.resolve("pool");
        PoolingDemo.main(new String[] {out.toString()});
        for (String name : new String[] {"temple", "flower"}) {
            BufferedImage before = DemoTestSupport.png(out.resolve(name + "-input.png"));
            BufferedImage after = DemoTestSupport.png(out.resolve(name + "-maxpool.png"));
            assertEquals(before.getWidth() / 2, after.getWidth());
            assertEquals(before.getHeight() / 2, after.getHeight());
        }
        BufferedImage overview = DemoTestSupport.png(out.resolve("pooling-overview.png"));
        assertTrue(overview.getWidth() > SampleImages.WIDTH * 3 / 2 && overview.getHeight() > 2 * SampleImages.HEIGHT,
                overview.getWidth() + "x" + overview.getHeight());
    }

    @Test
    void colour_survives_pooling() throws IOException {
        // A red/blue checkerboard of 2x2 cells pools to the per-channel maximum: red and blue together.
        Path photo = DemoTestSupport.writePng(dir.resolve("check.png"), 8, 6,
                (x, y) -> (x + y) % 2 == 0 ? 0xff0000 : 0x0000ff);
        DemoTestSupport.Run run = DemoTestSupport.run(PoolingDemo::run, photo.toString(), dir.resolve("o").toString());
        assertEquals(0, run.status(), run.err());
        BufferedImage after = DemoTestSupport.png(dir.resolve("o/check-maxpool.png"));
        assertEquals(4, after.getWidth());
        assertEquals(3, after.getHeight());
        assertEquals(0xff00ff, after.getRGB(1, 1) & 0xffffff);
    }

    @Test
    void outputs_never_replace_an_input_image_in_the_output_directory() throws IOException {
        // a.png's own input copy is a-input.png, not a.png; its pooled image would be a-maxpool.png, an input.
        Path a = DemoTestSupport.writePng(dir.resolve("a.png"), 8, 6, (x, y) -> 0x123456);
        Path pooledName = DemoTestSupport.writePng(dir.resolve("a-maxpool.png"), 4, 4, (x, y) -> 0x654321);
        byte[] aBefore = Files.readAllBytes(a);
        byte[] pooledBefore = Files.readAllBytes(pooledName);
        DemoTestSupport.Run run = DemoTestSupport.run(PoolingDemo::run, a.toString(), pooledName.toString(),
                dir.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().contains(pooledName + " is one of the input images; not overwritten"), run.err());
        assertArrayEquals(aBefore, Files.readAllBytes(a));
        assertArrayEquals(pooledBefore, Files.readAllBytes(pooledName));
        assertFalse(Files.exists(dir.resolve("a-input.png")), "the outputs before the refused one were written");
    }

    /** ImageIO's "Error reading PNG image data" alone did not say which file. */
    @Test
    void truncated_png_is_named_and_nothing_is_written() throws IOException {
        Path whole = DemoTestSupport.writePng(dir.resolve("whole.png"), 8, 6, (x, y) -> 0x123456);
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
        Path out = dir.resolve("o");
        DemoTestSupport.Run run = DemoTestSupport.run(PoolingDemo::run, whole.toString(), truncated.toString(),
                out.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("PoolingDemo: cannot read " + truncated + " as an image: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertFalse(Files.exists(out), "nothing is written when an input cannot be read");
    }

    @Test
    void help_and_bad_arguments() {
        assertEquals(0, DemoTestSupport.run(PoolingDemo::run, "-h").status());
        DemoTestSupport.Run run = DemoTestSupport.run(PoolingDemo::run, "--seed", "3");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("unknown option --seed"), run.err());
    }
}
