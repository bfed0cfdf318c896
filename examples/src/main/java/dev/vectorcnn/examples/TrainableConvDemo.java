package dev.vectorcnn.examples;

import dev.vectorcnn.kernels.Conv2d;
import dev.vectorcnn.kernels.Conv2dShape;
import dev.vectorcnn.kernels.Padding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The tutorial's trainable convolutional layer before any training:
 * {@code tf.layers.conv2d(X, filters=2, kernel_size=7, strides=[2,2], padding="SAME")} on a batch of
 * colour images, with Glorot-uniform random filters drawn from a seed and zero bias, as a freshly
 * built layer has. Writes each input and its two feature maps as PNG files.
 *
 * <p>Usage: {@code TrainableConvDemo [--help] [--seed N] [IMAGE...] [OUTPUT_DIR]}.
 */
public final class TrainableConvDemo {

    /** Filter height and width ({@code kernel_size=7}). */
    static final int KERNEL = 7;

    /** Output channels ({@code filters=2}). */
    static final int FILTERS = 2;

    /** Stride along both axes ({@code strides=[2,2]}). */
    static final int STRIDE = 2;

    /** Colour input channels. */
    static final int CHANNELS = 3;

    /**
     * Heap held at the peak per pixel of input, all inputs together ({@link HeapBudget}): float RGB
     * as read (12 bytes) and cropped to the batch's size (12), the batch copied into one array for
     * the layer (12, while it runs) and its output (2); then the inputs and maps as images (6) and
     * the overview sheet two inputs wide (8) beside the crops. Measured: the smallest -Xmx that ran
     * it grew by 29 bytes a pixel from a 1500x1500 to a 2500x2500 photo. 32 leaves some room.
     */
    static final int HEAP_BYTES_PER_PIXEL = 32;

    /** The {@code --help} text, also printed after an argument error. */
    static final String USAGE = """
            Usage: TrainableConvDemo [--help] [--seed N] [IMAGE...] [OUTPUT_DIR]

            Runs the CNN tutorial's tf.layers.conv2d(X, filters=2, kernel_size=7, strides=[2,2],
            padding="SAME") on one batch of colour images, with Glorot-uniform random filters
            (limit sqrt(6 / (fan_in + fan_out)), fan_in = 7*7*3, fan_out = 7*7*2) and zero bias,
            and writes PNG files:
              NAME-conv-input.png       each input, cropped to the batch's common size
              NAME-feature-map-0.png    output channel 0, half the height and width
              NAME-feature-map-1.png    output channel 1
              conv-overview.png         all of the above side by side
            Untrained random filters give blurred, partly inverted or edge-like versions of the input.

              --seed N     seed of the random filters (default 42): the same seed gives the same filters
              IMAGE        PNG, JPEG, GIF or BMP files (by extension); none: a built-in temple and flower
              OUTPUT_DIR   where the PNG files go (default: demo-output)
            """;

    private TrainableConvDemo() {
    }

    /**
     * Runs the demo; exits with status 2 on bad arguments and 1 when an image cannot be read or written.
     *
     * @param args {@code --seed N}, image files and an output directory, all optional; {@code --help} lists them
     */
    public static void main(String[] args) {
        DemoRunner.main("TrainableConvDemo", USAGE, true, args, TrainableConvDemo::demo);
    }

    /** The demo without {@link System#exit}: returns 0 on success, 1 on an I/O error, 2 on bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return DemoRunner.run("TrainableConvDemo", USAGE, true, args, out, err, TrainableConvDemo::demo);
    }

    private static void demo(DemoArguments arguments, PrintStream out, PrintStream err) throws IOException {
        List<FloatImage> batch = commonSize(DemoOutput.inputs(arguments.images(), HEAP_BYTES_PER_PIXEL));
        DemoOutput output = DemoOutput.open(arguments.outputDir(), out, arguments.images());
        FloatImage first = batch.get(0);
        float[] filters = glorotUniformFilters(arguments.seed());
        float[] maps = forward(batch, filters);
        int outHeight = Padding.SAME.outputSize(first.height(), KERNEL, STRIDE);
        int outWidth = Padding.SAME.outputSize(first.width(), KERNEL, STRIDE);
        out.printf(Locale.ROOT, "batch [%d, %d, %d, 3] -> conv2d 7x7, 2 filters, stride 2, SAME -> [%d, %d, %d, 2]%n",
                batch.size(), first.height(), first.width(), batch.size(), outHeight, outWidth);
        out.printf(Locale.ROOT, "Glorot-uniform filters, seed %d: limit %.5f, drawn values in [%.5f, %.5f]; bias 0%n",
                arguments.seed(), glorotLimit(), min(filters), max(filters));
        List<List<ContactSheet.Cell>> rows = new ArrayList<>();
        for (int n = 0; n < batch.size(); n++) {
            FloatImage image = batch.get(n);
            BufferedImage input = image.toBufferedImage();
            // Not NAME-input.png: PoolingDemo writes the uncropped input under that name, and the
            // README sends both demos to one directory.
            output.add(input, image.name() + "-conv-input.png");
            List<ContactSheet.Cell> row = new ArrayList<>();
            row.add(new ContactSheet.Cell(image.name() + " " + image.height() + "x" + image.width(), input));
            for (int c = 0; c < FILTERS; c++) {
                BufferedImage map = FeatureMaps.channel(maps, n, outHeight, outWidth, FILTERS, c);
                output.add(map, image.name() + "-feature-map-" + c + ".png");
                row.add(new ContactSheet.Cell("feature map " + c + " (" + outHeight + "x" + outWidth + ")", map));
            }
            rows.add(row);
        }
        output.add(ContactSheet.render("conv2d, 2 random 7x7x3 filters (Glorot uniform, seed " + arguments.seed()
                + "), stride 2, SAME", rows), "conv-overview.png");
        output.writeAll();
    }

    /** Glorot's bound {@code sqrt(6 / (fan_in + fan_out))} with {@code fan_in = 7*7*3}, {@code fan_out = 7*7*2}. */
    static double glorotLimit() {
        int fanIn = KERNEL * KERNEL * CHANNELS;
        int fanOut = KERNEL * KERNEL * FILTERS;
        return Math.sqrt(6.0 / (fanIn + fanOut));
    }

    /**
     * HWIO {@code [7, 7, 3, 2]} filters drawn uniformly from {@code [-limit, limit)} with
     * {@link #glorotLimit()}, in storage order, from a {@link SplittableRandom} seeded with {@code seed}.
     */
    static float[] glorotUniformFilters(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double limit = glorotLimit();
        float[] filters = new float[KERNEL * KERNEL * CHANNELS * FILTERS];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = (float) random.nextDouble(-limit, limit);
        }
        return filters;
    }

    /**
     * NHWC {@code [N, ceil(H/2), ceil(W/2), 2]} output of the layer (filters {@code [7, 7, 3, 2]}, zero
     * bias, no activation, stride 2, SAME) on a batch of same-sized colour images.
     */
    static float[] forward(List<FloatImage> batch, float[] filters) {
        FloatImage first = batch.get(0);
        int pixels = first.height() * first.width() * CHANNELS;
        float[] input = new float[batch.size() * pixels];
        for (int n = 0; n < batch.size(); n++) {
            FloatImage image = batch.get(n);
            if (image.height() != first.height() || image.width() != first.width() || image.channels() != CHANNELS) {
                throw new IllegalArgumentException("batch images must all be " + first.height() + "x" + first.width()
                        + "x3, got " + image.height() + "x" + image.width() + "x" + image.channels());
            }
            System.arraycopy(image.pixels(), 0, input, n * pixels, pixels);
        }
        Conv2dShape shape = new Conv2dShape(batch.size(), first.height(), first.width(), CHANNELS, KERNEL, KERNEL,
                FILTERS, STRIDE, STRIDE, Padding.SAME);
        float[] output = new float[shape.outputLength()];
        Conv2d.forward(shape, input, filters, new float[FILTERS], false, output);
        return output;
    }

    /** The images centre-cropped to the smallest height and width among them, since a batch has one size. */
    static List<FloatImage> commonSize(List<FloatImage> images) {
        int height = images.stream().mapToInt(FloatImage::height).min().orElseThrow();
        int width = images.stream().mapToInt(FloatImage::width).min().orElseThrow();
        List<FloatImage> cropped = new ArrayList<>();
        for (FloatImage image : images) {
            cropped.add(image.centerCrop(height, width));
        }
        return cropped;
    }

    private static float min(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
