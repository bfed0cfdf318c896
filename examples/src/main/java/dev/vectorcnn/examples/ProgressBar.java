package dev.vectorcnn.examples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar redrawn in place with carriage returns, e.g.
 * {@code epoch 3/10 [=========>          ] 312/600 loss 0.0712 acc 0.9800 12.3 s left}.
 * Redraws at most every {@value #REDRAW_MILLIS} ms, so a fast loop does not flood the stream. When
 * the stream is not a terminal (a log file, CI), carriage returns would pile every redraw onto one
 * line, so it prints one ordinary line at each tenth of the way instead.
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 200;

    private final PrintStream out;
    private final boolean interactive;
    private long lastDrawNanos;
    private int lastLength;
    private int lastTenth = -1;

    /** @param interactive whether {@code out} is a terminal that honours carriage returns */
    ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Shows {@code done} of {@code total} steps of {@code label}, with the latest loss and accuracy. */
    void update(String label, int done, int total, double loss, double accuracy, double elapsedSeconds) {
        long now = System.nanoTime();
        int tenth = (int) (10L * done / total);
        if (interactive ? done < total && now - lastDrawNanos < REDRAW_MILLIS * 1_000_000 : tenth == lastTenth) {
            return;
        }
        lastDrawNanos = now;
        lastTenth = tenth;
        int filled = (int) ((long) WIDTH * done / total);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        double left = done == 0 ? 0 : elapsedSeconds * (total - done) / done;
        String line = String.format(Locale.ROOT, "%s [%s] %d/%d loss %.4f acc %.4f %.1f s left", label, bar, done,
                total, loss, accuracy, left);
        if (!interactive) {
            out.println(line);
            return;
        }
        // Pad with spaces so a shorter line fully covers the previous one.
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    /** Erases the bar, leaving the cursor at the start of an empty line. */
    void clear() {
        if (lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
            lastLength = 0;
        }
    }
}
