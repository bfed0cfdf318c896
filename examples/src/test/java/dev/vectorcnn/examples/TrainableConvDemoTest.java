package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TrainableConvDemo: Glorot-uniform filters, the stride-2 SAME layer against direct loops, the files. */
class TrainableConvDemoTest {

    @TempDir
    Path dir;

    @Test
    void glorot_limit_is_sqrt_6_over_245() {
        // fan_in = 7*7*3 = 147, fan_out = 7*7*2 = 98; sqrt(6/245) = 0.1564921...
        assertEquals(0.1564921, TrainableConvDemo.glorotLimit(), 1e-7);
    }

    @Test
    void filters_lie_within_the_limit_and_depend_only_on_the_seed() {
        float[] filters = TrainableConvDemo.glorotUniformFilters(42);
        assertEquals(7 * 7 * 3 * 2, filters.length);
        double limit = TrainableConvDemo.glorotLimit();
        double sum = 0;
        for (float f : filters) {
            assertTrue(Math.abs(f) <= limit, "value " + f + " outside +-" + limit);
            sum += f;
        }
        // Mean of 294 uniform draws: standard error limit/sqrt(3*294) = 0.0053; 4 standard errors.
        assertEquals(0, sum / filters.length, 0.021);
        assertArrayEquals(filters, TrainableConvDemo.glorotUniformFilters(42));
        assertFalse(Arrays.equals(filters, TrainableConvDemo.glorotUniformFilters(43)));
    }

    /**
     * Against TensorFlow's rule written out here: out = ceil(in/2), pad_before = pad_total / 2 with
     * pad_total = (out-1)*2 + 7 - in. Each output sums 147 products of values below 1 and 0.157, so
     * float rounding stays under 147 * 6e-8 * 23 = 2e-4.
     */
    @Test
    void layer_equals_direct_convolution_stride_2_same() {
        List<FloatImage> batch = List.of(DemoTestSupport.randomImage("a", 5, 6, 3, 1),
                DemoTestSupport.randomImage("b", 5, 6, 3, 2));
        float[] filters = TrainableConvDemo.glorotUniformFilters(5);
        float[] out = TrainableConvDemo.forward(batch, filters);
        int outH = 3;
        int outW = 3;
        int padTop = ((outH - 1) * 2 + 7 - 5) / 2;  // 3
        int padLeft = ((outW - 1) * 2 + 7 - 6) / 2; // 2
        assertEquals(2 * outH * outW * 2, out.length);
        for (int n = 0; n < 2; n++) {
            float[] in = batch.get(n).pixels();
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int oc = 0; oc < 2; oc++) {
                        double sum = 0;
                        for (int ky = 0; ky < 7; ky++) {
                            for (int kx = 0; kx < 7; kx++) {
                                int y = oy * 2 + ky - padTop;
                                int x = ox * 2 + kx - padLeft;
                                if (y < 0 || y >= 5 || x < 0 || x >= 6) {
                                    continue;
                                }
                                for (int c = 0; c < 3; c++) {
                                    sum += (double) in[(y * 6 + x) * 3 + c] * filters[((ky * 7 + kx) * 3 + c) * 2 + oc];
                                }
                            }
                        }
                        assertEquals(sum, out[((n * outH + oy) * outW + ox) * 2 + oc], 2e-4,
                                "image " + n + " at " + oy + "," + ox + " channel " + oc);
                    }
                }
            }
        }
    }

    @Test
    void images_of_different_sizes_are_cropped_to_the_common_size() {
        List<FloatImage> cropped = TrainableConvDemo.commonSize(List.of(
                DemoTestSupport.randomImage("a", 10, 8, 3, 1), DemoTestSupport.randomImage("b", 6, 12, 3, 2)));
        for (FloatImage image : cropped) {
            assertEquals(6, image.height());
            assertEquals(8, image.width());
        }
        FloatImage original = DemoTestSupport.randomImage("a", 10, 8, 3, 1);
        // Centre crop of 10 rows to 6 starts at row 2.
        assertEquals(original.pixels()[2 * 8 * 3], cropped.get(0).pixels()[0]);
    }

    @Test
    void main_with_builtin_images_writes_feature_maps() throws IOException {
        Path out = dir.resolve("conv");
        TrainableConvDemo.main(new String[] {"--seed", "7", out.toString()});
        for (String name : new String[] {"temple", "flower"}) {
            DemoTestSupport.png(out.resolve(name + "-conv-input.png"));
            for (int c = 0; c < 2; c++) {
                BufferedImage map = DemoTestSupport.png(out.resolve(name + "-feature-map-" + c + ".png"));
                assertEquals((SampleImages.WIDTH + 1) / 2, map.getWidth());
                assertEquals((SampleImages.HEIGHT + 1) / 2, map.getHeight());
            }
        }
        BufferedImage overview = DemoTestSupport.png(out.resolve("conv-overview.png"));
        assertTrue(overview.getWidth() > 2 * SampleImages.WIDTH && overview.getHeight() > 2 * SampleImages.HEIGHT,
                overview.getWidth() + "x" + overview.getHeight());
    }

    /**
     * The README sends PoolingDemo and this demo to the same directory. This one used to write its
     * crops as NAME-input.png too, replacing PoolingDemo's uncropped copies.
     */
    @Test
    void crops_do_not_replace_pooling_demo_inputs_in_a_shared_directory() throws IOException {
        Path wide = DemoTestSupport.writePng(dir.resolve("wide.png"), 12, 6, (x, y) -> 0x336699);
        Path tall = DemoTestSupport.writePng(dir.resolve("tall.png"), 8, 10, (x, y) -> 0x996633);
        Path out = dir.resolve("out");
        assertEquals(0, DemoTestSupport.run(PoolingDemo::run, wide.toString(), tall.toString(), out.toString()).status());
        DemoTestSupport.Run conv = DemoTestSupport.run(TrainableConvDemo::run, wide.toString(), tall.toString(),
                out.toString());
        assertEquals(0, conv.status(), conv.err());

        BufferedImage pooledInput = DemoTestSupport.png(out.resolve("wide-input.png"));
        assertEquals(12, pooledInput.getWidth(), "PoolingDemo's copy of wide.png is whole");
        assertEquals(6, pooledInput.getHeight());
        BufferedImage crop = DemoTestSupport.png(out.resolve("wide-conv-input.png"));
        assertEquals(8, crop.getWidth(), "cropped to the batch's common 6x8");
        assertEquals(6, crop.getHeight());
    }

    @Test
    void bad_seed_exits_2() {
        DemoTestSupport.Run run = DemoTestSupport.run(TrainableConvDemo::run, "--seed", "x");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--seed needs a whole number, got 'x'"), run.err());
        assertEquals(2, DemoTestSupport.run(TrainableConvDemo::run, "--seed").status());
    }
}
