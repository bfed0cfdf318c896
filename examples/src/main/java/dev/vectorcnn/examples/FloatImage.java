package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * An image as the kernels see it: {@code [height, width, channels]} row-major floats in {@code [0, 1]}
 * (one NHWC batch element), with a name used for output files.
 *
 * @param name     short name for output files, e.g. {@code temple}
 * @param height   rows
 * @param width    columns
 * @param channels 1 (gray) or 3 (RGB)
 * @param pixels   {@code height * width * channels} values, HWC
 */
record FloatImage(String name, int height, int width, int channels, float[] pixels) {

    /** Checks that the pixel array matches the shape. */
    FloatImage {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(pixels, "pixels must not be null");
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("image must be at least 1x1 with 1 or 3 channels, got "
                    + height + "x" + width + "x" + channels);
        }
        if (pixels.length != (long) height * width * channels) {
            throw new IllegalArgumentException("pixels must hold " + height + "*" + width + "*" + channels
                    + " values, got " + pixels.length);
        }
    }

    /**
     * Reads a PNG, JPEG, GIF or BMP file as RGB in {@code [0, 1]}, named after the file without extension.
     *
     * @throws IOException when the file cannot be read or is not an image ImageIO understands
     */
    static FloatImage read(Path file) throws IOException {
        PngFiles.useHeadlessAwt();
        if (!Files.isRegularFile(file)) {
            // Say where we looked: under Maven's exec plugin relative paths resolve against examples/.
            throw new IOException("image not found: " + file + " (looked for " + file.toAbsolutePath().normalize() + ")");
        }
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + " is not an image this Java runtime can read (PNG, JPEG, GIF or BMP)");
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return fromRgb(dot > 0 ? fileName.substring(0, dot) : fileName, image);
    }

    /** The RGB pixels of {@code image} as a 3-channel float image. */
    static FloatImage fromRgb(String name, BufferedImage image) {
        int height = image.getHeight();
        int width = image.getWidth();
        float[] pixels = new float[height * width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int i = (y * width + x) * 3;
                pixels[i] = ((rgb >> 16) & 0xff) / 255f;
                pixels[i + 1] = ((rgb >> 8) & 0xff) / 255f;
                pixels[i + 2] = (rgb & 0xff) / 255f;
            }
        }
        return new FloatImage(name, height, width, 3, pixels);
    }

    /**
     * One channel of luminance, {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, the weights of
     * TensorFlow's {@code rgb_to_grayscale}); a gray image is returned as is.
     */
    FloatImage grayscale() {
        if (channels == 1) {
            return this;
        }
        float[] gray = new float[height * width];
        for (int i = 0; i < gray.length; i++) {
            gray[i] = 0.299f * pixels[3 * i] + 0.587f * pixels[3 * i + 1] + 0.114f * pixels[3 * i + 2];
        }
        return new FloatImage(name, height, width, 1, gray);
    }

    /** The centred {@code cropHeight x cropWidth} part (both at most this image's size). */
    FloatImage centerCrop(int cropHeight, int cropWidth) {
        if (cropHeight > height || cropWidth > width || cropHeight <= 0 || cropWidth <= 0) {
            throw new IllegalArgumentException("cannot crop " + height + "x" + width + " to " + cropHeight + "x"
                    + cropWidth);
        }
        int top = (height - cropHeight) / 2;
        int left = (width - cropWidth) / 2;
        float[] cropped = new float[cropHeight * cropWidth * channels];
        for (int y = 0; y < cropHeight; y++) {
            System.arraycopy(pixels, ((top + y) * width + left) * channels, cropped, y * cropWidth * channels,
                    cropWidth * channels);
        }
        return new FloatImage(name, cropHeight, cropWidth, channels, cropped);
    }

    /** The image for display, each value clamped to {@code [0, 1]}. */
    BufferedImage toBufferedImage() {
        PngFiles.useHeadlessAwt();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * channels;
                int r = toByte(pixels[i]);
                int g = channels == 3 ? toByte(pixels[i + 1]) : r;
                int b = channels == 3 ? toByte(pixels[i + 2]) : r;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static int toByte(float value) {
        return Math.round(Math.clamp(value, 0f, 1f) * 255f);
    }
}
