package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Writes PNG files atomically (temporary file in the target directory, then a rename), so a reader
 * never sees half an image, and keeps AWT headless so the examples run on servers without a display.
 */
final class PngFiles {

    private PngFiles() {
    }

    /**
     * Asks for headless AWT; call before the first image or font is created, since AWT reads the
     * property once. The examples never open a window, and servers have no display.
     */
    static void useHeadlessAwt() {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * Writes {@code image} as a PNG to {@code target}, creating missing parent directories.
     *
     * @throws IOException when the directory or file cannot be written
     */
    static void write(BufferedImage image, Path target) throws IOException {
        Objects.requireNonNull(image, "image must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, absolute.getFileName() + ".", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer available in this Java runtime");
                }
            }
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the platform's defaults apply.
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
