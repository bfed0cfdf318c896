package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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

    /** The JDK's own soft limit on array lengths ({@code ArraysSupport.SOFT_MAX_ARRAY_LENGTH}); VMs may refuse longer. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

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

    /** An image file's width and height, read from its header. */
    record Size(int width, int height) {

        /** {@code width * height}. */
        long pixels() {
            return (long) width * height;
        }

        /** {@code WIDTHxHEIGHT}, e.g. {@code 4000x3000}. */
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /**
     * Reads a PNG, JPEG, GIF or BMP file as RGB in {@code [0, 1]}, named after the file without extension.
     * Whether the pixels fit in the heap is the caller's to check first, with {@link #readSize}: what
     * a demo holds per pixel is several times this image ({@link HeapBudget}).
     *
     * @throws IOException naming the file when it is missing, unreadable, not an image ImageIO
     *                     understands, damaged, or too large for a Java array
     */
    static FloatImage read(Path file) throws IOException {
        BufferedImage image = inspect(file, reader -> reader.read(0));
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return fromRgb(dot > 0 ? fileName.substring(0, dot) : fileName, image);
    }

    /**
     * The width and height of an image file from its header, without decoding the pixels.
     *
     * @throws IOException as {@link #read} does, but for damage past the header
     */
    static Size readSize(Path file) throws IOException {
        return inspect(file, reader -> new Size(reader.getWidth(0), reader.getHeight(0)));
    }

    /** What {@link #inspect} does with an image's reader once the header has been checked. */
    @FunctionalInterface
    private interface ReaderAction<T> {
        T apply(ImageReader reader) throws IOException;
    }

    /** {@code action} applied to a reader of {@code file}, with every failure turned into a message naming the file. */
    private static <T> T inspect(Path file, ReaderAction<T> action) throws IOException {
        PngFiles.useHeadlessAwt();
        if (!Files.isRegularFile(file)) {
            // Say where we looked: under Maven's exec plugin relative paths resolve against examples/.
            throw new IOException("image not found: " + file + " (looked for " + file.toAbsolutePath().normalize() + ")");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString());
        }
        T result;
        try {
            result = decode(file, action);
        } catch (IOException | RuntimeException e) {
            // ImageIO's messages never name the file ("Error reading PNG image data"), and its decoders
            // throw runtime exceptions on absurd headers ("Invalid scanline stride").
            throw new IOException("cannot read " + file + " as an image: " + ErrorText.describe(e), e);
        }
        if (result == null) {
            throw new IOException(file + " is not an image this Java runtime can read (PNG, JPEG, GIF or BMP)");
        }
        return result;
    }

    /**
     * What {@link ImageIO#read(java.io.File)} does, with the size from the header checked before
     * {@code action} runs; {@code null} when no installed reader recognises the file.
     */
    private static <T> T decode(Path file, ReaderAction<T> action) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("this Java runtime cannot open files for ImageIO");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkSize(reader.getWidth(0), reader.getHeight(0));
                return action.apply(reader);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Refuses sizes whose float copy (3 floats a pixel in one array) cannot be a Java array: ImageIO
     * itself fails on them with "Invalid scanline stride" or an {@link OutOfMemoryError}.
     */
    private static void checkSize(int width, int height) throws IOException {
        long values = 3L * width * height;
        if (values > MAX_ARRAY_LENGTH) {
            throw new IOException(width + "x" + height + " pixels is too large: at most "
                    + MAX_ARRAY_LENGTH / 3 + " pixels fit in one image");
        }
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
