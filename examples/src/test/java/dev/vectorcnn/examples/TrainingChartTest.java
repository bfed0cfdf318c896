package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training chart is a readable PNG of the stated size, drawn in the series colours. */
class TrainingChartTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int LOSS_RGB = 0x1f77b4;
    private static final int TRAIN_RGB = 0xff7f0e;
    private static final int TEST_RGB = 0x2ca02c;

    @TempDir
    Path dir;

    private static List<EpochMetrics> epochs(int count) {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 1; e <= count; e++) {
            epochs.add(new EpochMetrics(e, 0.3 / e, 0.9 + 0.009 * e, 0.95 + 0.004 * e, 12.5, 4800));
        }
        return epochs;
    }

    /** Pixels of exactly {@code rgb} in columns {@code [fromX, toX)}. */
    private static int count(BufferedImage image, int rgb, int fromX, int toX) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void writes_a_png_of_the_stated_size_with_each_series_in_its_panel() throws IOException {
        Path png = dir.resolve("charts/nested/training.png");
        TrainingChart.writePng(epochs(8), png);

        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(TrainingChart.WIDTH, image.getWidth());
        assertEquals(TrainingChart.HEIGHT, image.getHeight());
        int half = image.getWidth() / 2;
        // A 2.5 px line across a panel paints hundreds of pixels in its exact colour.
        assertTrue(count(image, LOSS_RGB, 0, half) > 300, "loss line in the left panel");
        assertEquals(0, count(image, LOSS_RGB, half, image.getWidth()), "no loss colour on the right");
        assertTrue(count(image, TRAIN_RGB, half, image.getWidth()) > 300, "train accuracy line on the right");
        assertTrue(count(image, TEST_RGB, half, image.getWidth()) > 300, "test accuracy line on the right");
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void single_epoch_is_drawn() throws IOException {
        Path png = dir.resolve("one.png");
        TrainingChart.writePng(epochs(1), png);
        assertEquals(TrainingChart.WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void overwrites_an_existing_file() throws IOException {
        Path png = dir.resolve("chart.png");
        Files.writeString(png, "old");
        TrainingChart.writePng(epochs(3), png);
        assertEquals(TrainingChart.HEIGHT, ImageIO.read(png.toFile()).getHeight());
    }

    @Test
    void empty_input_is_rejected_and_nothing_written() {
        Path png = dir.resolve("empty.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingChart.writePng(List.of(), png));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertFalse(Files.exists(png));
    }

    @Test
    void epochs_out_of_order_are_rejected() {
        List<EpochMetrics> epochs = new ArrayList<>(epochs(3));
        epochs.add(epochs.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingChart.writePng(epochs, dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("epochs[3] is epoch 1 after epoch 3"), e.getMessage());
    }

    @Test
    void nulls_are_rejected() {
        assertThrows(NullPointerException.class, () -> TrainingChart.writePng(null, dir.resolve("x.png")));
        assertThrows(NullPointerException.class, () -> TrainingChart.writePng(epochs(2), null));
    }

    @Test
    void accuracy_in_percent_is_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EpochMetrics(1, 0.1, 98.5, 0.97, 1, 1));
        assertTrue(e.getMessage().contains("trainAccuracy must be a fraction in [0, 1], got 98.5"), e.getMessage());
    }

    @Test
    void impossible_metrics_are_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new EpochMetrics(0, 0.1, 0.5, 0.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpochMetrics(1, Double.NaN, 0.5, 0.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpochMetrics(1, 0.1, 0.5, -0.1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpochMetrics(1, 0.1, 0.5, 0.5, -1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new EpochMetrics(1, 0.1, 0.5, 0.5, 1, Double.POSITIVE_INFINITY));
    }
}
