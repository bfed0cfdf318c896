package dev.vectorcnn.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an image demo's inputs fit in the heap, decided from the files' headers before any pixel
 * is decoded. A demo holds several copies of every input until it writes its files (float RGB, its
 * results as floats and as images, the overview sheet), so what it needs is its own number of bytes
 * per input pixel times the pixels of all its inputs, and that must fit in the heap still free.
 * Checking one float copy of one image against the maximum heap let a 4000x4000 photo through at
 * -Xmx256m, and the demo then died with an {@link OutOfMemoryError}.
 */
final class HeapBudget {

    private HeapBudget() {
    }

    /**
     * Checks that {@code files}, at {@code bytesPerPixel} each, fit in the heap free now.
     *
     * @param files         the input images
     * @param bytesPerPixel what the demo holds at its peak per pixel of input
     * @throws IOException naming the largest file, its size, what all inputs need, the free and the
     *                     maximum heap, when they do not fit; or when a file's header cannot be read
     */
    static void check(List<Path> files, int bytesPerPixel) throws IOException {
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        check(files, bytesPerPixel, runtime.maxMemory() - used, runtime.maxMemory());
    }

    /** {@link #check(List, int)} with the free and maximum heap given (for tests). */
    static void check(List<Path> files, int bytesPerPixel, long freeBytes, long maxBytes) throws IOException {
        List<FloatImage.Size> sizes = new ArrayList<>();
        for (Path file : files) {
            sizes.add(FloatImage.readSize(file));
        }
        long pixels = sizes.stream().mapToLong(FloatImage.Size::pixels).sum();
        long needed = pixels * bytesPerPixel; // at most a few 2^31-pixel images: no overflow
        if (needed <= freeBytes) {
            return;
        }
        int largest = 0;
        for (int i = 1; i < sizes.size(); i++) {
            if (sizes.get(i).pixels() > sizes.get(largest).pixels()) {
                largest = i;
            }
        }
        int others = files.size() - 1;
        String what = sizes.get(largest) + " pixels" + (others == 0 ? ""
                : " with " + others + " other image" + (others == 1 ? "" : "s"));
        // Rounded so that the need never reads as less, nor the free heap as more, than it is.
        throw new IOException(files.get(largest) + ": " + what + " need about " + ((needed + (1 << 20) - 1) >> 20)
                + " MiB here (" + bytesPerPixel + " bytes a pixel), more than the " + (freeBytes >> 20)
                + " MiB of heap free (maximum " + (maxBytes >> 20) + " MiB); use smaller images or give java a larger -Xmx");
    }
}
