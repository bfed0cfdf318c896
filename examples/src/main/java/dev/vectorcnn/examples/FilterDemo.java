package dev.vectorcnn.examples;

import dev.vectorcnn.kernels.Conv2d;
import dev.vectorcnn.kernels.Conv2dShape;
import dev.vectorcnn.kernels.Padding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The tutorial's fixed filters: a 7x7 vertical-line filter (ones in column 3) and a 7x7
 * horizontal-line filter (ones in row 3) applied with {@code conv2d}, SAME padding and stride 1, to
 * grayscale images. Writes each input and both feature maps as PNG files: the vertical filter
 * brightens vertical lines (pillars) and blurs the rest, the horizontal one brightens roofs and beams.
 *
 * <p>Usage: {@code FilterDemo [--help] [IMAGE...] [OUTPUT_DIR]}.
 */
public final class FilterDemo {

    /** Filter height and width, as in the tutorial. */
    static final int FILTER_SIZE = 7;

    /**
     * Heap held at the peak per pixel of input, all inputs together ({@link HeapBudget}): float RGB
     * (12 bytes) and, until the files are written, the gray image and the two feature maps as images
     * (12) and the overview sheet with three cells (12), 36 bytes; while an image is filtered, its
     * float gray and maps (12) add to that. Measured: the smallest -Xmx that ran it grew by 37.5
     * bytes a pixel from a 1500x1500 to a 2500x2500 photo. 40 leaves room for the PNG writer.
     */
    static final int HEAP_BYTES_PER_PIXEL = 40;

    /** The {@code --help} text, also printed after an argument error. */
    static final String USAGE = """
            Usage: FilterDemo [--help] [IMAGE...] [OUTPUT_DIR]

            Applies the CNN tutorial's 7x7 vertical-line and horizontal-line filters (conv2d, SAME
            padding, stride 1) to grayscale versions of the images and writes PNG files:
              filter-vertical.png, filter-horizontal.png   the two filters, enlarged
              NAME-gray.png                                each input in grayscale
              NAME-vertical-lines.png                      feature map of the vertical filter
              NAME-horizontal-lines.png                    feature map of the horizontal filter
              filters-overview.png                         all of the above side by side
            Feature maps are stretched so that their smallest value is black and their largest white.

              IMAGE        PNG, JPEG, GIF or BMP files (by extension); none: a built-in temple and flower
              OUTPUT_DIR   where the PNG files go (default: demo-output)
            """;

    private FilterDemo() {
    }

    /**
     * Runs the demo; exits with status 2 on bad arguments and 1 when an image cannot be read or written.
     *
     * @param args image files and an output directory, all optional; {@code --help} lists them
     */
    public static void main(String[] args) {
        DemoRunner.main("FilterDemo", USAGE, false, args, FilterDemo::demo);
    }

    /** The demo without {@link System#exit}: returns 0 on success, 1 on an I/O error, 2 on bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return DemoRunner.run("FilterDemo", USAGE, false, args, out, err, FilterDemo::demo);
    }

    private static void demo(DemoArguments arguments, PrintStream out, PrintStream err) throws IOException {
        // Every input is read before anything is written: a missing image leaves no partial output.
        List<FloatImage> inputs = DemoOutput.inputs(arguments.images(), HEAP_BYTES_PER_PIXEL);
        DemoOutput output = DemoOutput.open(arguments.outputDir(), out, arguments.images());
        float[] filters = lineFilters();
        out.println("Filters (7x7, HWIO [7, 7, 1, 2]): channel 0 has ones in column 3, channel 1 ones in row 3");
        output.add(FeatureMaps.filter(filters, FILTER_SIZE, FILTER_SIZE, 1, 2, 0, 0, 24), "filter-vertical.png");
        output.add(FeatureMaps.filter(filters, FILTER_SIZE, FILTER_SIZE, 1, 2, 0, 1, 24), "filter-horizontal.png");
        List<List<ContactSheet.Cell>> rows = new ArrayList<>();
        for (FloatImage image : inputs) {
            FloatImage gray = image.grayscale();
            out.println(image.name() + ": " + gray.height() + "x" + gray.width()
                    + " grayscale, conv2d SAME stride 1 -> feature maps " + gray.height() + "x" + gray.width() + "x2");
            float[] maps = applyLineFilters(gray);
            BufferedImage grayImage = gray.toBufferedImage();
            BufferedImage vertical = FeatureMaps.channel(maps, 0, gray.height(), gray.width(), 2, 0);
            BufferedImage horizontal = FeatureMaps.channel(maps, 0, gray.height(), gray.width(), 2, 1);
            output.add(grayImage, image.name() + "-gray.png");
            output.add(vertical, image.name() + "-vertical-lines.png");
            output.add(horizontal, image.name() + "-horizontal-lines.png");
            rows.add(List.of(new ContactSheet.Cell(image.name() + " (grayscale input)", grayImage),
                    new ContactSheet.Cell("vertical-line filter", vertical),
                    new ContactSheet.Cell("horizontal-line filter", horizontal)));
        }
        output.add(ContactSheet.render("7x7 line filters, conv2d SAME stride 1", rows), "filters-overview.png");
        output.writeAll();
    }

    /**
     * The two filters as HWIO {@code [7, 7, 1, 2]}: output channel 0 is 1 on column 3 (vertical line),
     * channel 1 is 1 on row 3 (horizontal line), 0 elsewhere.
     */
    static float[] lineFilters() {
        float[] filters = new float[FILTER_SIZE * FILTER_SIZE * 2];
        int middle = FILTER_SIZE / 2;
        for (int i = 0; i < FILTER_SIZE; i++) {
            filters[(i * FILTER_SIZE + middle) * 2] = 1;     // [i, 3, 0, 0]
            filters[(middle * FILTER_SIZE + i) * 2 + 1] = 1; // [3, i, 0, 1]
        }
        return filters;
    }

    /**
     * {@code [H, W, 2]} feature maps of a one-channel image {@code [H, W, 1]} under {@link #lineFilters()},
     * SAME padding, stride 1.
     */
    static float[] applyLineFilters(FloatImage gray) {
        if (gray.channels() != 1) {
            throw new IllegalArgumentException("image must be grayscale (1 channel), got " + gray.channels());
        }
        Conv2dShape shape = new Conv2dShape(1, gray.height(), gray.width(), 1, FILTER_SIZE, FILTER_SIZE, 2, 1, 1,
                Padding.SAME);
        float[] maps = new float[shape.outputLength()];
        Conv2d.forward(shape, gray.pixels(), lineFilters(), null, false, maps);
        return maps;
    }
}
