package dev.vectorcnn.examples;

import java.io.IOException;
import java.io.PrintStream;

/**
 * What every image demo shares around its own work: argument parsing, {@code --help}, the exit
 * statuses (0 done, 1 an image could not be read or written, 2 bad arguments) and error messages
 * prefixed with the demo's name.
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

    /** Runs {@code demo} without {@link System#exit}: returns 0 on success, 1 on an I/O error, 2 on bad arguments. */
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
        }
    }
}
