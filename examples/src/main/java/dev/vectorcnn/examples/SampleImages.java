package dev.vectorcnn.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demos' built-in pictures, drawn in code so that no photo has to ship: a temple and a flower,
 * standing in for the tutorial's {@code china.jpg} and {@code flower.jpg}. The temple is full of
 * vertical pillars and horizontal roofs and beams, so the line filters have something to find; the
 * flower is round and colourful. Both are {@value #HEIGHT}x{@value #WIDTH} RGB and the same every run.
 */
final class SampleImages {

    /** Rows of each built-in image. */
    static final int HEIGHT = 300;

    /** Columns of each built-in image. */
    static final int WIDTH = 450;

    private SampleImages() {
    }

    /** The temple and the flower, in that order. */
    static List<FloatImage> pair() {
        return List.of(temple(), flower());
    }

    /** A pagoda-like temple under a sky, with pillars, tiered roofs, a paved yard and a tree. */
    static FloatImage temple() {
        BufferedImage image = canvas();
        Graphics2D g = graphics(image);
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(0x6f, 0xa8, 0xdc), 0, 190, new Color(0xdd, 0xec, 0xf7)));
            g.fillRect(0, 0, WIDTH, 200);
            g.setColor(new Color(0x4a, 0x6b, 0x4f));
            Path2D hills = new Path2D.Double();
            hills.moveTo(0, 170);
            hills.curveTo(80, 120, 140, 150, 210, 140);
            hills.curveTo(290, 128, 360, 110, WIDTH, 150);
            hills.lineTo(WIDTH, 210);
            hills.lineTo(0, 210);
            hills.closePath();
            g.fill(hills);

            // Paved yard: horizontal courses and vertical joints.
            g.setColor(new Color(0xb9, 0xb1, 0xa3));
            g.fillRect(0, 210, WIDTH, HEIGHT - 210);
            g.setColor(new Color(0x8c, 0x84, 0x78));
            g.setStroke(new BasicStroke(1.5f));
            for (int y = 222, row = 0; y < HEIGHT; y += 14 + row * 3, row++) {
                g.drawLine(0, y, WIDTH, y);
                for (int x = (row % 2) * 20; x < WIDTH; x += 40 + row * 6) {
                    g.drawLine(x, y, x, y + 14 + row * 3);
                }
            }

            // Platform, pillars and three roof tiers, narrowing upwards.
            g.setColor(new Color(0x9a, 0x92, 0x88));
            g.fillRect(120, 196, 210, 18);
            int[][] tiers = {{135, 315, 150, 196}, {160, 290, 102, 140}, {185, 265, 62, 92}};
            for (int[] tier : tiers) {
                int left = tier[0];
                int right = tier[1];
                int top = tier[2];
                int bottom = tier[3];
                g.setColor(new Color(0xe8, 0xd9, 0xb0));
                g.fillRect(left, top, right - left, bottom - top);
                g.setColor(new Color(0xa8, 0x1e, 0x1e));
                for (int x = left + 6; x < right - 6; x += 22) {
                    g.fillRect(x, top, 8, bottom - top);
                }
                g.setColor(new Color(0x5a, 0x3a, 0x22));
                g.fillRect(left, top + 6, right - left, 5);
                drawRoof(g, left - 28, right + 28, top - 24, top + 4);
            }
            g.setColor(new Color(0xc9, 0xa2, 0x27));
            g.fillRect(222, 24, 6, 26);
            g.fill(new Ellipse2D.Double(217, 16, 16, 16));

            // A tree on the left.
            g.setColor(new Color(0x5b, 0x3a, 0x1e));
            g.fillRect(52, 120, 12, 100);
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 26; i++) {
                int shade = 0x40 + random.nextInt(0x40);
                g.setColor(new Color(0x20, shade + 0x30, 0x28));
                double cx = 58 + random.nextDouble(-40, 40);
                double cy = 105 + random.nextDouble(-40, 25);
                double r = random.nextDouble(14, 26);
                g.fill(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
            }
        } finally {
            g.dispose();
        }
        return FloatImage.fromRgb("temple", image);
    }

    /** A pink flower with a yellow heart over blurred leaves. */
    static FloatImage flower() {
        BufferedImage image = canvas();
        Graphics2D g = graphics(image);
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(0x2e, 0x5e, 0x2a), WIDTH, HEIGHT, new Color(0x9c, 0xc4, 0x6a)));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 14; i++) {
                AffineTransform saved = g.getTransform();
                g.translate(random.nextDouble(WIDTH), random.nextDouble(HEIGHT));
                g.rotate(random.nextDouble(Math.PI));
                g.setColor(new Color(0x30 + random.nextInt(0x30), 0x70 + random.nextInt(0x50), 0x30, 170));
                g.fill(new Ellipse2D.Double(-60, -16, 120, 32));
                g.setTransform(saved);
            }
            double cx = WIDTH * 0.5;
            double cy = HEIGHT * 0.52;
            for (int layer = 0; layer < 2; layer++) {
                int petals = layer == 0 ? 12 : 10;
                double length = layer == 0 ? 118 : 82;
                for (int i = 0; i < petals; i++) {
                    AffineTransform saved = g.getTransform();
                    g.translate(cx, cy);
                    g.rotate(2 * Math.PI * (i + layer * 0.5) / petals);
                    g.setPaint(new GradientPaint(0, 0, new Color(0xff, 0xf0, 0xf5), (float) length, 0,
                            layer == 0 ? new Color(0xd8, 0x3f, 0x87) : new Color(0xf0, 0x7a, 0xb0)));
                    g.fill(new Ellipse2D.Double(0, -length * 0.17, length, length * 0.34));
                    g.setColor(new Color(0xa0, 0x2a, 0x60, 120));
                    g.setStroke(new BasicStroke(1.2f));
                    g.draw(new Ellipse2D.Double(0, -length * 0.17, length, length * 0.34));
                    g.setTransform(saved);
                }
            }
            g.setPaint(new RadialGradientPaint((float) cx, (float) cy, 34, new float[] {0f, 1f},
                    new Color[] {new Color(0xff, 0xe0, 0x40), new Color(0xd0, 0x80, 0x10)}));
            g.fill(new Ellipse2D.Double(cx - 34, cy - 34, 68, 68));
            g.setColor(new Color(0x70, 0x40, 0x08));
            for (int i = 0; i < 90; i++) {
                // Golden-angle spiral of seeds, as in a real flower head.
                double r = 3.2 * Math.sqrt(i);
                double a = i * 2.39996;
                g.fill(new Ellipse2D.Double(cx + r * Math.cos(a) - 1.5, cy + r * Math.sin(a) - 1.5, 3, 3));
            }
        } finally {
            g.dispose();
        }
        return FloatImage.fromRgb("flower", image);
    }

    private static void drawRoof(Graphics2D g, int left, int right, int top, int bottom) {
        Path2D roof = new Path2D.Double();
        int inset = (right - left) / 6;
        roof.moveTo(left, bottom - 10);
        roof.quadTo(left + inset * 0.6, bottom, left + inset, top + (bottom - top) * 0.55);
        roof.lineTo(left + inset * 1.6, top);
        roof.lineTo(right - inset * 1.6, top);
        roof.lineTo(right - inset, top + (bottom - top) * 0.55);
        roof.quadTo(right - inset * 0.6, bottom, right, bottom - 10);
        roof.lineTo(right - 6, bottom);
        roof.lineTo(left + 6, bottom);
        roof.closePath();
        g.setColor(new Color(0x2f, 0x3b, 0x3a));
        g.fill(roof);
        g.setColor(new Color(0x1a, 0x22, 0x22));
        g.setStroke(new BasicStroke(2f));
        g.drawLine(left + 6, bottom, right - 6, bottom);
    }

    private static BufferedImage canvas() {
        PngFiles.useHeadlessAwt();
        return new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        return g;
    }
}
