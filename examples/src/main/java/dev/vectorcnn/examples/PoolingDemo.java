package dev.vectorcnn.examples;

import dev.vectorcnn.kernels.MaxPool2d;
import dev.vectorcnn.kernels.Padding;
import dev.vectorcnn.kernels.Pool2dShape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The tutorial's pooling example: colour images (3 channels) max-pooled with a 2x2 window, stride 2
 * and VALID padding, which halves each side and keeps the brightest value of each channel in every
 * window. Writes each image before and after as PNG files.
 *
 * <p>Usage: {@code PoolingDemo [--help] [IMAGE...] [OUTPUT_DIR]}.
 */
public final class PoolingDemo {

    /**
     * Heap held at the peak per pixel of input, all inputs together ({@link HeapBudget}): float RGB
     * (12 bytes), the input as an image (4), the pooled quarter as floats and as an image (4), and
     * the overview sheet one and a half inputs wide (6), 26 bytes. Measured: the smallest -Xmx that
     * ran it grew by 21 bytes a pixel from a 1500x1500 to a 2500x2500 photo (the pooled floats are
     * garbage by the end, and the collector reclaims them).
     */
    static final int HEAP_BYTES_PER_PIXEL = 26;

    /** The {@code --help} text, also printed after an argument error. */
    static final String USAGE = """
            Usage: PoolingDemo [--help] [IMAGE...] [OUTPUT_DIR]

            Max-pools colour images with a 2x2 window, stride 2, VALID padding (as the CNN tutorial's
            tf.nn.max_pool example) and writes PNG files:
              NAME-input.png     each input
              NAME-maxpool.png   the pooled image, half the height and width
              pooling-overview.png   both side by side, at their real sizes

              IMAGE        PNG, JPEG, GIF or BMP files (by extension); none: a built-in temple and flower
              OUTPUT_DIR   where the PNG files go (default: demo-output)
            """;

    private PoolingDemo() {
    }

    /**
     * Runs the demo; exits with status 2 on bad arguments and 1 when an image cannot be read or written.
     *
     * @param args image files and an output directory, all optional; {@code --help} lists them
     */
    public static void main(String[] args) {
        DemoRunner.main("PoolingDemo", USAGE, false, args, PoolingDemo::demo);
    }

    /** The demo without {@link System#exit}: returns 0 on success, 1 on an I/O error, 2 on bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return DemoRunner.run("PoolingDemo", USAGE, false, args, out, err, PoolingDemo::demo);
    }

    private static void demo(DemoArguments arguments, PrintStream out, PrintStream err) throws IOException {
        List<FloatImage> inputs = DemoOutput.inputs(arguments.images(), HEAP_BYTES_PER_PIXEL);
        DemoOutput output = DemoOutput.open(arguments.outputDir(), out, arguments.images());
        List<List<ContactSheet.Cell>> rows = new ArrayList<>();
        for (FloatImage image : inputs) {
            if (image.height() < 2 || image.width() < 2) {
                err.println("PoolingDemo: " + image.name() + " is " + image.height() + "x" + image.width()
                        + ", smaller than the 2x2 window; skipped");
                continue;
            }
            FloatImage pooled = maxPool(image);
            out.println(image.name() + ": " + image.height() + "x" + image.width() + "x3, max pool 2x2 stride 2 VALID -> "
                    + pooled.height() + "x" + pooled.width() + "x3");
            BufferedImage before = image.toBufferedImage();
            BufferedImage after = pooled.toBufferedImage();
            output.add(before, image.name() + "-input.png");
            output.add(after, image.name() + "-maxpool.png");
            rows.add(List.of(new ContactSheet.Cell(image.name() + " " + image.height() + "x" + image.width(), before),
                    new ContactSheet.Cell("max pool -> " + pooled.height() + "x" + pooled.width(), after)));
        }
        if (!rows.isEmpty()) {
            output.add(ContactSheet.render("2x2 max pooling, stride 2, VALID", rows), "pooling-overview.png");
        }
        output.writeAll();
    }

    /** {@code [H/2, W/2, C]} (rounded down): 2x2 max pooling, stride 2, VALID, of {@code image [H, W, C]}. */
    static FloatImage maxPool(FloatImage image) {
        Pool2dShape shape = new Pool2dShape(1, image.height(), image.width(), image.channels(), 2, 2, 2, 2,
                Padding.VALID);
        float[] pooled = new float[shape.outputLength()];
        MaxPool2d.forward(shape, image.pixels(), pooled);
        return new FloatImage(image.name() + "-maxpool", shape.outHeight(), shape.outWidth(), image.channels(), pooled);
    }
}
