package dev.vectorcnn.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every image demo shares around its own work: argument parsing, {@code --help}, the exit
 * statuses (0 done, 1 an image could not be read or written or did not fit in the heap, 2 bad
 * arguments) and error messages prefixed with the demo's name.
 */
final class DemoRunner {

    /** A demo's own work, given its parsed arguments and where to print results and warnings. */
    @FunctionalInterface
    interface Demo {
        void run(DemoArguments arguments, PrintStream out, PrintStream err) throws IOException;
    }

    private DemoRunner() {
    }

    /** Runs {@code demo} from a {@code main} method, exiting with its status when that is not 0. */
    static void main(String name, String usage, boolean acceptsSeed, String[] args, Demo demo) {
        int status = run(name, usage, acceptsSeed, args, System.out, System.err, demo);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs {@code demo} without {@link System#exit}: returns 0 on success, 1 on an I/O error or when
     * the heap runs out, 2 on bad arguments; each failure is one line on {@code err}.
     */
    static int run(String name, String usage, boolean acceptsSeed, String[] args, PrintStream out, PrintStream err,
                   Demo demo) {
        DemoArguments arguments;
        try {
            arguments = DemoArguments.parse(args, acceptsSeed);
        } catch (IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
            err.print(usage);
            return 2;
        }
        if (arguments.help()) {
            out.print(usage);
            return 0;
        }
        try {
            demo.run(arguments, out, err);
            return 0;
        } catch (IOException e) {
            err.println(name + ": " + ErrorText.describe(e));
            return 1;
        } catch (OutOfMemoryError e) {
            // The heap check before decoding is an estimate: what it misses still ends in one line.
            err.println(name + ": out of memory with " + describe(arguments.images()) + " in this JVM's maximum heap of "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; use smaller images or give java a larger -Xmx");
            return 1;
        }
    }

    /** The input images with their sizes, e.g. {@code photo.jpg (4000x3000)}, or the built-in ones. */
    private static String describe(List<Path> images) {
        if (images.isEmpty()) {
            return "the built-in images";
        }
        List<String> described = new ArrayList<>();
        for (Path image : images) {
            try {
                described.add(image + " (" + FloatImage.readSize(image) + ")");
            } catch (IOException e) {
                described.add(image.toString()); // it was read before; its size is a detail here
            }
        }
        return String.join(", ", described);
    }
}
