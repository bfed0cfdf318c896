package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
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

    /**
     * A copy of a valid PNG whose header (IHDR: width at byte 16, height at 20, CRC of bytes 12-28
     * at 29) claims {@code width x height}; the pixel data stays that of an 8x6 image.
     */
    static Path pngClaiming(Path dir, int width, int height) throws IOException {
        byte[] png = Files.readAllBytes(writePng(dir.resolve("small.png"), 8, 6, (x, y) -> 0x336699));
        ByteBuffer header = ByteBuffer.wrap(png);
        header.putInt(16, width);
        header.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        header.putInt(29, (int) crc.getValue());
        return Files.write(dir.resolve("claims-" + width + "x" + height + ".png"), png);
    }

    /**
     * A real, decodable black RGB PNG of any size, written a row at a time (no image in memory, and
     * zeros deflate to almost nothing): signature, IHDR, one IDAT, IEND, as the PNG spec lays them out.
     */
    static Path writeBlackPng(Path file, int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED))) {
            byte[] row = new byte[1 + 3 * width]; // filter type 0, then RGB
            for (int y = 0; y < height; y++) {
                deflate.write(row);
            }
        }
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB, no interlace
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            pngChunk(out, "IHDR", ihdr.array());
            pngChunk(out, "IDAT", idat.toByteArray());
            pngChunk(out, "IEND", new byte[0]);
        }
        return file;
    }

    private static void pngChunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeInt(data.length);
        out.write(typeBytes);
        out.write(data);
        out.writeInt((int) crc.getValue());
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
