package dev.vectorcnn.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line shared by the image demos: {@code [--help] [--seed N] [IMAGE...] [OUTPUT_DIR]}.
 * An argument ending in an image extension ({@code .png .jpg .jpeg .gif .bmp}) is an input image,
 * any other argument is the output directory (at most one; default {@code demo-output}). With no
 * image the demos draw their built-in pair.
 *
 * @param images    input images, possibly none
 * @param outputDir where the PNG files go
 * @param seed      random seed (only the demos that accept {@code --seed} read it)
 * @param help      whether {@code --help} was asked for
 */
record DemoArguments(List<Path> images, Path outputDir, long seed, boolean help) {

    /** The output directory when none is given. */
    static final Path DEFAULT_OUTPUT_DIR = Path.of("demo-output");

    /** The seed when none is given. */
    static final long DEFAULT_SEED = 42;

    /**
     * Parses {@code args}.
     *
     * @param acceptsSeed whether {@code --seed N} is allowed
     * @throws IllegalArgumentException with a message for the user when the arguments make no sense
     */
    static DemoArguments parse(String[] args, boolean acceptsSeed) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return new DemoArguments(List.of(), DEFAULT_OUTPUT_DIR, DEFAULT_SEED, true);
            }
        }
        List<Path> images = new ArrayList<>();
        Path outputDir = null;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--seed") && acceptsSeed) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("--seed needs a number");
                }
                try {
                    seed = Long.parseLong(args[++i]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--seed needs a whole number, got '" + args[i] + "'");
                }
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + arg);
            } else if (isImageName(arg)) {
                images.add(Path.of(arg));
            } else if (outputDir == null) {
                outputDir = Path.of(arg);
            } else {
                throw new IllegalArgumentException("two output directories given (" + outputDir + " and " + arg
                        + "); images must end in .png, .jpg, .jpeg, .gif or .bmp");
            }
        }
        return new DemoArguments(List.copyOf(images), outputDir == null ? DEFAULT_OUTPUT_DIR : outputDir, seed, false);
    }

    private static boolean isImageName(String arg) {
        String lower = arg.toLowerCase(Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".gif")
                || lower.endsWith(".bmp");
    }
}
