package dev.vectorcnn.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the process's standard error is a terminal, which decides how {@link ProgressBar} draws.
 * {@code System.console()} answers for standard input and output, not for standard error: with
 * only standard error sent to a file it chose redraws in place, and their carriage returns piled up
 * in the file. On Linux each descriptor answers for itself: {@code /proc/self/fd/2} links to the
 * device it writes to, {@code /dev/pts/N} or {@code /dev/ttyN} for a terminal. Where that cannot be
 * known (no {@code /proc}: not Linux), the answer is no, which costs only the redraws.
 */
final class TerminalCheck {

    private TerminalCheck() {
    }

    /** Whether standard error writes to a terminal; false when that cannot be known. */
    static boolean standardErrorIsTerminal() {
        return isTerminal(Path.of("/proc/self/fd/2"));
    }

    /**
     * Whether {@code descriptorLink}, an entry of {@code /proc/self/fd}, links to a terminal device;
     * false when it is no link or cannot be read.
     */
    static boolean isTerminal(Path descriptorLink) {
        try {
            String device = Files.readSymbolicLink(descriptorLink).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
