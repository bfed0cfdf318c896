package dev.vectorcnn.examples;

import dev.vectorcnn.kernels.Conv2d;
import dev.vectorcnn.kernels.Conv2dShape;
import dev.vectorcnn.kernels.Padding;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The tutorial's padding example, computed with {@link Conv2d}: a 1x13 input {@code 1..13}, the
 * filter {@code [2, 3, 5, 7, 11, 13]} and stride 5 give {@code [184.0, 389.0]} with VALID padding
 * (the last inputs are dropped) and {@code [143.0, 348.0, 204.0]} with SAME padding (one zero on the
 * left, two on the right).
 *
 * <p>Usage: {@code PaddingDemo [--help]}.
 */
public final class PaddingDemo {

    /** The input row {@code 1..13}. */
    static final float[] INPUT = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

    /** The 1x6 filter of the first six primes. */
    static final float[] FILTER = {2, 3, 5, 7, 11, 13};

    /** Horizontal stride. */
    static final int STRIDE = 5;

    /** The {@code --help} text, also printed after an argument error. */
    static final String USAGE = """
            Usage: PaddingDemo [--help]

            Prints the CNN tutorial's padding example: the 1x13 input 1..13 convolved with the filter
            [2, 3, 5, 7, 11, 13] at stride 5, with VALID padding ([184.0, 389.0]) and with SAME padding
            ([143.0, 348.0, 204.0]), and how much padding each adds.
            """;

    private PaddingDemo() {
    }

    /**
     * Runs the demo; exits with status 2 on bad arguments.
     *
     * @param args empty, or just {@code --help} (or {@code -h}) to print the usage
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** The demo without {@link System#exit}: returns 0 on success, 2 on bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        if (args.length > 0) {
            err.println("PaddingDemo: takes no arguments, got " + String.join(" ", args));
            err.print(USAGE);
            return 2;
        }
        out.println("input  (1x13): " + Arrays.toString(INPUT));
        out.println("filter (1x6):  " + Arrays.toString(FILTER) + ", stride " + STRIDE);
        for (Padding padding : Padding.values()) {
            int before = padding.padBefore(INPUT.length, FILTER.length, STRIDE);
            int after = padding.padAfter(INPUT.length, FILTER.length, STRIDE);
            int outWidth = padding.outputSize(INPUT.length, FILTER.length, STRIDE);
            // The windows cover (out - 1) * stride + k cells from the left padding on; cells of the padded
            // row past that are in no window (VALID drops the last input cells this way).
            int dropped = before + INPUT.length + after - ((outWidth - 1) * STRIDE + FILTER.length);
            String rightSide = after + " zero(s) on the right" + (dropped > 0 ? ", last " + dropped
                    + " input(s) in no window" : "");
            out.println(padding + ": " + before + " zero(s) on the left, " + rightSide + ", output width " + outWidth);
            out.println(padding + " " + Arrays.toString(convolve(padding)));
        }
        return 0;
    }

    /** The 1xW output of convolving {@link #INPUT} with {@link #FILTER} at stride 5 under {@code padding}. */
    static float[] convolve(Padding padding) {
        Conv2dShape shape = new Conv2dShape(1, 1, INPUT.length, 1, 1, FILTER.length, 1, 1, STRIDE, padding);
        float[] output = new float[shape.outputLength()];
        Conv2d.forward(shape, INPUT, FILTER, null, false, output);
        return output;
    }
}
