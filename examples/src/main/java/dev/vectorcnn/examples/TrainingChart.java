package dev.vectorcnn.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Draws training progress as a PNG: training loss per epoch on the left, train and test accuracy
 * (in percent) per epoch on the right, with axes, ticks, grid, legends and a title that states the
 * final numbers.
 */
public final class TrainingChart {

    /** Width of the PNG in pixels. */
    public static final int WIDTH = 1200;

    /** Height of the PNG in pixels. */
    public static final int HEIGHT = 540;

    private static final Color LOSS_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final Color TRAIN_COLOR = new Color(0xff, 0x7f, 0x0e);
    private static final Color TEST_COLOR = new Color(0x2c, 0xa0, 0x2c);
    private static final Color GRID_COLOR = new Color(0xe3, 0xe3, 0xe3);
    private static final Color AXIS_COLOR = new Color(0x44, 0x44, 0x44);
    private static final Color TEXT_COLOR = new Color(0x22, 0x22, 0x22);

    private static final int TOP = 108;
    private static final int BOTTOM = 70;
    private static final int LEFT = 84;
    private static final int GAP = 110;
    private static final int RIGHT = 30;

    /** One plotted line: its name in the legend, its colour and how to read it from an epoch. */
    private record Series(String name, Color color, ToDoubleFunction<EpochMetrics> value) {
    }

    /** A value axis: its range and tick step. */
    private record Axis(double min, double max, double step) {
    }

    private TrainingChart() {
    }

    /**
     * Writes a {@value #WIDTH}x{@value #HEIGHT} PNG of {@code epochs} to {@code png} through a temporary
     * file renamed into place (atomically where the file system can; parent directories are created).
     *
     * @param epochs one entry per epoch, in increasing epoch order, at least one
     * @param png    the file to write or replace
     * @throws NullPointerException     when an argument or an element is null
     * @throws IllegalArgumentException when {@code epochs} is empty or its epoch numbers do not increase
     * @throws IOException              when the file cannot be written
     */
    public static void writePng(List<EpochMetrics> epochs, Path png) throws IOException {
        Objects.requireNonNull(epochs, "epochs must not be null");
        Objects.requireNonNull(png, "png must not be null");
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("epochs must not be empty: there is nothing to chart");
        }
        for (int i = 0; i < epochs.size(); i++) {
            Objects.requireNonNull(epochs.get(i), "epochs[" + i + "] must not be null");
            if (i > 0 && epochs.get(i).epoch() <= epochs.get(i - 1).epoch()) {
                throw new IllegalArgumentException("epoch numbers must increase: epochs[" + i + "] is epoch "
                        + epochs.get(i).epoch() + " after epoch " + epochs.get(i - 1).epoch());
            }
        }
        PngFiles.useHeadlessAwt();
        PngFiles.write(render(List.copyOf(epochs)), png);
    }

    private static BufferedImage render(List<EpochMetrics> epochs) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawTitle(g, epochs);

            int panelWidth = (WIDTH - LEFT - GAP - RIGHT) / 2;
            int plotHeight = HEIGHT - TOP - BOTTOM;
            // Loss falls and accuracy rises: their legends go where the lines usually are not.
            Series loss = new Series("training loss", LOSS_COLOR, EpochMetrics::loss);
            Series train = new Series("train", TRAIN_COLOR, m -> 100 * m.trainAccuracy());
            Series test = new Series("test", TEST_COLOR, m -> 100 * m.testAccuracy());
            drawPanel(g, epochs, LEFT, TOP, panelWidth, plotHeight, "Loss", "loss", lossAxis(epochs), List.of(loss),
                    "%.4f", false);
            drawPanel(g, epochs, LEFT + panelWidth + GAP, TOP, panelWidth, plotHeight, "Accuracy", "accuracy (%)",
                    accuracyAxis(epochs), List.of(train, test), "%.2f%%", true);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawTitle(Graphics2D g, List<EpochMetrics> epochs) {
        EpochMetrics last = epochs.get(epochs.size() - 1);
        double totalSeconds = epochs.stream().mapToDouble(EpochMetrics::seconds).sum();
        g.setColor(TEXT_COLOR);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        centered(g, "Training progress (" + epochs.size() + (epochs.size() == 1 ? " epoch)" : " epochs)"), WIDTH / 2, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        g.setColor(AXIS_COLOR);
        String summary = String.format(Locale.ROOT,
                "after epoch %d: loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%, %.0f images/s, %.1f s in total",
                last.epoch(), last.loss(), 100 * last.trainAccuracy(), 100 * last.testAccuracy(),
                last.imagesPerSecond(), totalSeconds);
        centered(g, summary, WIDTH / 2, 62);
    }

    private static void drawPanel(Graphics2D g, List<EpochMetrics> epochs, int x0, int y0, int width, int height,
            String title, String yLabel, Axis y, List<Series> series, String lastValueFormat, boolean legendAtBottom) {
        double firstEpoch = epochs.get(0).epoch();
        double lastEpoch = epochs.get(epochs.size() - 1).epoch();
        // Half an epoch of margin on each side keeps the end markers off the frame.
        double xMin = firstEpoch - 0.5;
        double xMax = lastEpoch + 0.5;
        int epochStep = niceEpochStep(lastEpoch - firstEpoch + 1);

        Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(TEXT_COLOR);
        centered(g, title, x0 + width / 2, y0 - 12);

        // Grid and value ticks.
        g.setFont(tickFont);
        FontMetrics tickMetrics = g.getFontMetrics();
        int decimals = decimals(y.step());
        for (double v = y.min(); v <= y.max() + y.step() * 1e-6; v += y.step()) {
            int py = toPixel(v, y.min(), y.max(), y0 + height, y0);
            g.setColor(GRID_COLOR);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(x0, py, x0 + width, py);
            g.setColor(AXIS_COLOR);
            g.drawLine(x0 - 5, py, x0, py);
            String text = String.format(Locale.ROOT, "%." + decimals + "f", v);
            g.drawString(text, x0 - 9 - tickMetrics.stringWidth(text), py + tickMetrics.getAscent() / 2 - 1);
        }
        // Epoch ticks.
        int firstTick = (int) Math.ceil(firstEpoch / epochStep) * epochStep;
        for (int e = Math.max(firstTick, (int) firstEpoch); e <= lastEpoch; e += epochStep) {
            int px = toPixel(e, xMin, xMax, x0, x0 + width);
            g.setColor(GRID_COLOR);
            g.drawLine(px, y0, px, y0 + height);
            g.setColor(AXIS_COLOR);
            g.drawLine(px, y0 + height, px, y0 + height + 5);
            centered(g, Integer.toString(e), px, y0 + height + 8 + tickMetrics.getAscent());
        }
        // Frame.
        g.setColor(AXIS_COLOR);
        g.setStroke(new BasicStroke(1.2f));
        g.drawRect(x0, y0, width, height);

        // Axis labels.
        g.setFont(labelFont);
        g.setColor(TEXT_COLOR);
        centered(g, "epoch", x0 + width / 2, y0 + height + 48);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, yLabel, -(y0 + height / 2), x0 - 58);
        g.setTransform(saved);

        // Lines with markers, and the last value written beside the last point.
        for (Series s : series) {
            Path2D line = new Path2D.Double();
            for (int i = 0; i < epochs.size(); i++) {
                double px = toPixelExact(epochs.get(i).epoch(), xMin, xMax, x0, x0 + width);
                double py = toPixelExact(s.value().applyAsDouble(epochs.get(i)), y.min(), y.max(), y0 + height, y0);
                if (i == 0) {
                    line.moveTo(px, py);
                } else {
                    line.lineTo(px, py);
                }
            }
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(line);
            double radius = epochs.size() > 40 ? 2 : 4;
            for (EpochMetrics m : epochs) {
                double px = toPixelExact(m.epoch(), xMin, xMax, x0, x0 + width);
                double py = toPixelExact(s.value().applyAsDouble(m), y.min(), y.max(), y0 + height, y0);
                g.fill(new Ellipse2D.Double(px - radius, py - radius, 2 * radius, 2 * radius));
            }
        }
        drawLegend(g, series, epochs, x0, legendAtBottom ? y0 + height : y0, width, lastValueFormat, legendAtBottom);
    }

    /** A legend box in the right corner at {@code edgeY} (its top, or its bottom when {@code above}). */
    private static void drawLegend(Graphics2D g, List<Series> series, List<EpochMetrics> epochs, int x0, int edgeY,
            int width, String valueFormat, boolean above) {
        EpochMetrics last = epochs.get(epochs.size() - 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics metrics = g.getFontMetrics();
        String[] texts = new String[series.size()];
        int textWidth = 0;
        for (int i = 0; i < texts.length; i++) {
            texts[i] = series.get(i).name() + "  "
                    + String.format(Locale.ROOT, valueFormat, series.get(i).value().applyAsDouble(last));
            textWidth = Math.max(textWidth, metrics.stringWidth(texts[i]));
        }
        int rowHeight = metrics.getHeight() + 4;
        int boxWidth = textWidth + 52;
        int boxHeight = rowHeight * texts.length + 12;
        int bx = x0 + width - boxWidth - 12;
        int by = above ? edgeY - boxHeight - 12 : edgeY + 12;
        g.setColor(new Color(255, 255, 255, 235));
        g.fillRoundRect(bx, by, boxWidth, boxHeight, 8, 8);
        g.setColor(new Color(0xbb, 0xbb, 0xbb));
        g.setStroke(new BasicStroke(1f));
        g.drawRoundRect(bx, by, boxWidth, boxHeight, 8, 8);
        for (int i = 0; i < texts.length; i++) {
            int cy = by + 6 + rowHeight * i + rowHeight / 2;
            g.setColor(series.get(i).color());
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawLine(bx + 10, cy, bx + 34, cy);
            g.fill(new Ellipse2D.Double(bx + 22 - 4, cy - 4, 8, 8));
            g.setColor(TEXT_COLOR);
            g.drawString(texts[i], bx + 42, cy + metrics.getAscent() / 2 - 2);
        }
    }

    /** Loss axis from 0 to a round number above the largest loss. */
    private static Axis lossAxis(List<EpochMetrics> epochs) {
        double max = epochs.stream().mapToDouble(EpochMetrics::loss).max().orElse(1);
        if (max <= 0) {
            max = 1;
        }
        double step = niceStep(max * 1.05 / 5);
        return new Axis(0, Math.ceil(max * 1.05 / step) * step, step);
    }

    /** Accuracy axis (percent) around the observed values, never above 100. */
    private static Axis accuracyAxis(List<EpochMetrics> epochs) {
        double min = 100;
        double max = 0;
        for (EpochMetrics m : epochs) {
            min = Math.min(min, 100 * Math.min(m.trainAccuracy(), m.testAccuracy()));
            max = Math.max(max, 100 * Math.max(m.trainAccuracy(), m.testAccuracy()));
        }
        double span = Math.max(max - min, 1);
        double low = Math.max(0, min - 0.15 * span);
        double high = Math.min(100, max + 0.15 * span);
        double step = niceStep((high - low) / 5);
        low = Math.floor(low / step) * step;
        high = Math.min(Math.ceil(high / step) * step, Math.ceil(100 / step) * step);
        if (high - low < step) {
            high = low + step;
        }
        return new Axis(low, high, step);
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}. */
    private static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /** An epoch step of 1, 2 or 5 times a power of ten giving at most about 10 ticks. */
    private static int niceEpochStep(double epochCount) {
        for (int power = 1; ; power *= 10) {
            for (int mantissa : new int[] {1, 2, 5}) {
                if (epochCount / (mantissa * power) <= 10) {
                    return mantissa * power;
                }
            }
        }
    }

    /** Decimal places needed to print multiples of {@code step} without noise. */
    private static int decimals(double step) {
        for (int d = 0; d < 6; d++) {
            double scaled = step * Math.pow(10, d);
            if (Math.abs(scaled - Math.rint(scaled)) < 1e-9 * Math.max(1, scaled)) {
                return d;
            }
        }
        return 6;
    }

    private static int toPixel(double value, double min, double max, int pixelAtMin, int pixelAtMax) {
        return (int) Math.round(toPixelExact(value, min, max, pixelAtMin, pixelAtMax));
    }

    private static double toPixelExact(double value, double min, double max, int pixelAtMin, int pixelAtMax) {
        return pixelAtMin + (value - min) / (max - min) * (pixelAtMax - pixelAtMin);
    }

    private static void centered(Graphics2D g, String text, int cx, int baseline) {
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
