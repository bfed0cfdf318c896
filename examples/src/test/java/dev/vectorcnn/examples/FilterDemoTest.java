package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FilterDemo: the filters, the convolution against direct sums, and the files a run writes. */
class FilterDemoTest {

    @TempDir
    Path dir;

    @Test
    void filters_are_a_vertical_and_a_horizontal_line_of_ones() {
        float[] f = FilterDemo.lineFilters();
        assertEquals(7 * 7 * 1 * 2, f.length);
        for (int kh = 0; kh < 7; kh++) {
            for (int kw = 0; kw < 7; kw++) {
                int hwio = (kh * 7 + kw) * 2; // [kh, kw, 0, out]
                assertEquals(kw == 3 ? 1f : 0f, f[hwio], "vertical filter at " + kh + "," + kw);
                assertEquals(kh == 3 ? 1f : 0f, f[hwio + 1], "horizontal filter at " + kh + "," + kw);
            }
        }
    }

    /**
     * SAME, stride 1, 7x7 with ones on one line: each output is the sum of the 7 input pixels on that
     * line centred on it (3 before, 3 after), zeros outside. Sums of 7 values in [0, 1) carry at most
     * 7 roundings of about 6e-8 relative, so 1e-5 absolute is a safe bound.
     */
    @Test
    void feature_maps_equal_direct_line_sums_including_borders() {
        FloatImage gray = DemoTestSupport.randomImage("r", 9, 11, 1, 3);
        float[] maps = FilterDemo.applyLineFilters(gray);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 11; x++) {
                double vertical = 0;
                double horizontal = 0;
                for (int d = -3; d <= 3; d++) {
                    if (y + d >= 0 && y + d < 9) {
                        vertical += gray.pixels()[(y + d) * 11 + x];
                    }
                    if (x + d >= 0 && x + d < 11) {
                        horizontal += gray.pixels()[y * 11 + x + d];
                    }
                }
                assertEquals(vertical, maps[(y * 11 + x) * 2], 1e-5, "vertical at " + y + "," + x);
                assertEquals(horizontal, maps[(y * 11 + x) * 2 + 1], 1e-5, "horizontal at " + y + "," + x);
            }
        }
    }

    @Test
    void image_smaller_than_the_filter() {
        FloatImage gray = DemoTestSupport.randomImage("tiny", 2, 3, 1, 4);
        float[] maps = FilterDemo.applyLineFilters(gray);
        // Every line of 7 centred in a 2x3 image covers its whole column (or row).
        float[] p = gray.pixels();
        assertEquals(p[0] + p[3], maps[0], 1e-6);
        assertEquals(p[0] + p[1] + p[2], maps[1], 1e-6);
    }

    @Test
    void main_with_builtin_images_writes_every_file() throws IOException {
        Path out = dir.resolve("out");
        FilterDemo.main(new String[] {out.toString()});
        assertEquals(7 * 24, DemoTestSupport.png(out.resolve("filter-vertical.png")).getWidth());
        DemoTestSupport.png(out.resolve("filter-horizontal.png"));
        for (String name : new String[] {"temple", "flower"}) {
            for (String suffix : new String[] {"-gray", "-vertical-lines", "-horizontal-lines"}) {
                BufferedImage image = DemoTestSupport.png(out.resolve(name + suffix + ".png"));
                assertEquals(SampleImages.WIDTH, image.getWidth());
                assertEquals(SampleImages.HEIGHT, image.getHeight());
            }
        }
        BufferedImage overview = DemoTestSupport.png(out.resolve("filters-overview.png"));
        assertTrue(overview.getWidth() > 3 * SampleImages.WIDTH && overview.getHeight() > 2 * SampleImages.HEIGHT,
                "three columns and two rows of images: " + overview.getWidth() + "x" + overview.getHeight());
    }

    @Test
    void given_photo_is_used_and_named_after_its_file() throws IOException {
        Path photo = DemoTestSupport.writePng(dir.resolve("stripes.png"), 30, 20, (x, y) -> x % 6 < 3 ? 0xffffff : 0);
        Path out = dir.resolve("out");
        DemoTestSupport.Run run = DemoTestSupport.run(FilterDemo::run, photo.toString(), out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("stripes: 20x30 grayscale"), run.out());
        BufferedImage vertical = DemoTestSupport.png(out.resolve("stripes-vertical-lines.png"));
        assertEquals(30, vertical.getWidth());
        assertEquals(20, vertical.getHeight());
    }

    @Test
    void help_prints_usage_and_bad_arguments_exit_2() {
        DemoTestSupport.Run help = DemoTestSupport.run(FilterDemo::run, "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: FilterDemo"), help.out());

        DemoTestSupport.Run unknown = DemoTestSupport.run(FilterDemo::run, "--bogus");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown option --bogus") && unknown.err().contains("Usage:"), unknown.err());

        DemoTestSupport.Run twoDirs = DemoTestSupport.run(FilterDemo::run, "a", "b");
        assertEquals(2, twoDirs.status());
        assertTrue(twoDirs.err().contains("two output directories"), twoDirs.err());
    }

    /** The filters used to be written before the input was read. */
    @Test
    void missing_photo_writes_nothing() {
        Path out = dir.resolve("out");
        DemoTestSupport.Run run = DemoTestSupport.run(FilterDemo::run, dir.resolve("no-such-photo.png").toString(),
                out.toString());
        assertEquals(1, run.status());
        assertFalse(run.out().contains("wrote"), run.out());
        assertFalse(Files.exists(out), "output directory created for a run that failed");
    }

    /** FileAlreadyExistsException's message is the bare path: the reason must be added. */
    @Test
    void output_dir_that_is_a_file_is_named_with_the_reason() throws IOException {
        Path photo = DemoTestSupport.writePng(dir.resolve("stripes.png"), 30, 20, (x, y) -> 0);
        Path file = Files.writeString(dir.resolve("afile"), "keep me");
        DemoTestSupport.Run run = DemoTestSupport.run(FilterDemo::run, photo.toString(), file.toString());
        assertEquals(1, run.status());
        assertEquals("FilterDemo: OUTPUT_DIR: cannot write to " + file + ": exists and is not a directory"
                + System.lineSeparator(), run.err());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void missing_photo_exits_1_naming_it() {
        Path missing = dir.resolve("no-such-photo.jpg");
        DemoTestSupport.Run run = DemoTestSupport.run(FilterDemo::run, missing.toString(), dir.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().contains("image not found: " + missing), run.err());
    }

    /**
     * A real 4000x4000 photo (black, so the file is small): 16 million pixels at FilterDemo's 40 bytes
     * need 610 MiB, more than these tests' 512 MiB heap. It used to pass the check of one float copy
     * (192 MB), then die decoding and filtering with an OutOfMemoryError.
     */
    @Test
    void photo_too_large_for_the_heap_is_refused_in_one_line_before_it_is_decoded() throws IOException {
        Path photo = DemoTestSupport.writeBlackPng(dir.resolve("big.png"), 4000, 4000);
        Path out = dir.resolve("o");
        DemoTestSupport.Run run = DemoTestSupport.run(FilterDemo::run, photo.toString(), out.toString());
        assertEquals(1, run.status(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("FilterDemo: " + photo + ": 4000x4000 pixels need about 611 MiB here "
                + "(40 bytes a pixel), more than the "), run.err());
        assertTrue(run.err().strip().endsWith("give java a larger -Xmx"), run.err());
        assertFalse(Files.exists(out), "nothing is written");
    }
}
