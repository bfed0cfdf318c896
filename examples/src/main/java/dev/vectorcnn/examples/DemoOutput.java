package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image demos' inputs and outputs: loads the images named on the command line (or the built-in
 * pair), and writes PNG files into the output directory once all are computed, telling the user each path.
 */
final class DemoOutput {

    private final Path directory;
    private final PrintStream out;
    private final List<Path> inputFiles;
    private final Map<Path, BufferedImage> pending = new LinkedHashMap<>();

    private DemoOutput(Path directory, PrintStream out, List<Path> inputFiles) {
        this.directory = directory;
        this.out = out;
        this.inputFiles = List.copyOf(inputFiles);
    }

    /**
     * The output directory, created and checked to be writable before the demo computes anything.
     * No output will replace one of {@code inputFiles}.
     *
     * @throws IOException {@code OUTPUT_DIR: cannot write to DIR: reason} (the argument's name in
     *                     the usage text) when the directory cannot be created or written
     */
    static DemoOutput open(Path directory, PrintStream out, List<Path> inputFiles) throws IOException {
        try {
            OutputDirectory.prepare(directory);
        } catch (IOException e) {
            throw new IOException("OUTPUT_DIR: " + e.getMessage(), e);
        }
        return new DemoOutput(directory, out, inputFiles);
    }

    /**
     * The images named on the command line, or {@link SampleImages#pair()} when none is; names are
     * made unique ({@code photo}, {@code photo-2}) so that outputs never overwrite each other. The
     * files' sizes are checked against the heap ({@link HeapBudget}) before any is decoded.
     *
     * @param heapBytesPerPixel what the demo holds at its peak per pixel of input
     */
    static List<FloatImage> inputs(List<Path> files, int heapBytesPerPixel) throws IOException {
        List<FloatImage> images = new ArrayList<>();
        if (files.isEmpty()) {
            images.addAll(SampleImages.pair());
        } else {
            HeapBudget.check(files, heapBytesPerPixel);
            for (Path file : files) {
                images.add(FloatImage.read(file));
            }
        }
        Set<String> used = new HashSet<>();
        List<FloatImage> unique = new ArrayList<>();
        for (FloatImage image : images) {
            String name = image.name();
            for (int k = 2; !used.add(name); k++) {
                name = image.name() + "-" + k;
            }
            unique.add(new FloatImage(name, image.height(), image.width(), image.channels(), image.pixels()));
        }
        return unique;
    }

    /**
     * Adds {@code image} as {@code <directory>/<fileName>} to what {@link #writeAll} writes; nothing is
     * written before the demo has computed and named every output.
     *
     * @throws IOException {@code OUTPUT_DIR: FILE is one of the input images} rather than replace it
     */
    void add(BufferedImage image, String fileName) throws IOException {
        Path file = directory.resolve(fileName);
        for (Path input : inputFiles) {
            if (Files.exists(file) && Files.isSameFile(file, input)) {
                throw new IOException("OUTPUT_DIR: " + file.toAbsolutePath().normalize()
                        + " is one of the input images; not overwritten (choose another output directory)");
            }
        }
        pending.put(file, image);
    }

    /** Writes every image added, in order, and prints each path. */
    void writeAll() throws IOException {
        for (Map.Entry<Path, BufferedImage> entry : pending.entrySet()) {
            Path file = entry.getKey();
            BufferedImage image = entry.getValue();
            PngFiles.write(image, file);
            out.println("  wrote " + file.toAbsolutePath().normalize() + " (" + image.getWidth() + " wide, "
                    + image.getHeight() + " high)");
        }
        pending.clear();
    }
}
