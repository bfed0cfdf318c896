package dev.vectorcnn.examples;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks up front that a program can write where it was told to, so that a bad output path fails
 * at once with a reason instead of after the work (an epoch of training, say) with a message about
 * a hidden temporary file.
 */
final class OutputDirectory {

    private OutputDirectory() {
    }

    /**
     * Creates {@code directory} and any missing parents, then creates and deletes an empty file in
     * it: existing directories such as {@code /proc} or a read-only mount pass the first step and
     * fail only the second.
     *
     * @throws IOException with the message {@code cannot write to DIR: reason}, e.g. "cannot write
     *                     to /tmp/afile: exists and is not a directory"
     */
    static void prepare(Path directory) throws IOException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("cannot write to " + directory + ": " + describe(e, directory), e);
        }
        Path probe;
        try {
            probe = Files.createTempFile(directory, ".write-check-", ".tmp");
        } catch (IOException e) {
            // The probe's random name means nothing to the user: give only the reason.
            String reason = e instanceof FileSystemException fileError ? ErrorText.reason(fileError)
                    : ErrorText.describe(e);
            throw new IOException("cannot write to " + directory + ": cannot create a file in it (" + reason + ")", e);
        }
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write to " + directory + ": cannot delete the test file " + probe + " ("
                    + ErrorText.describe(e) + ")", e);
        }
    }

    /** The reason alone when {@code e} is about {@code directory} itself, else naming the path it is about. */
    private static String describe(IOException e, Path directory) {
        if (e instanceof FileSystemException fileError && fileError.getFile() != null && fileError.getOtherFile() == null
                && Path.of(fileError.getFile()).toAbsolutePath().equals(directory.toAbsolutePath())) {
            return ErrorText.reason(fileError);
        }
        return ErrorText.describe(e);
    }
}
