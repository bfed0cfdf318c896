package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import javax.imageio.ImageIO;

/** What the demo tests share: running a demo with captured output, reading PNGs, random images. */
final class DemoTestSupport {

    /** A finished run: exit status and what went to standard output and error. */
    record Run(int status, String out, String err) {
    }

    /** A demo's {@code run(args, out, err)}. */
    interface Demo {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private DemoTestSupport() {
    }

    static Run run(Demo demo, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = demo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The PNG at {@code file}, failing clearly when it is missing or unreadable. */
    static BufferedImage png(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("expected file " + file);
        }
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new AssertionError(file + " is not a readable image");
        }
        return image;
    }

    /** A random {@code height x width x channels} image with values in [0, 1). */
    static FloatImage randomImage(String name, int height, int width, int channels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[height * width * channels];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return new FloatImage(name, height, width, channels, pixels);
    }

    /** Writes a small colour PNG whose pixel (x, y) is given by {@code rgb}. */
    static Path writePng(Path file, int width, int height, BiFunction<Integer, Integer, Integer> rgb)
            throws IOException {
        PngFiles.useHeadlessAwt();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb.apply(x, y));
            }
        }
        PngFiles.write(image, file);
        return file;
    }
}
