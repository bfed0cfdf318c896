package dev.vectorcnn.examples;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * One-line descriptions of failures for the user. Needed because {@code java.nio.file}'s exceptions
 * for the commonest problems ({@link FileAlreadyExistsException}, {@link NoSuchFileException},
 * {@link AccessDeniedException}, {@link NotDirectoryException}) carry only the path as their
 * message: printing {@code getMessage()} alone tells the user {@code /tmp/afile} and not what is
 * wrong with it.
 */
final class ErrorText {

    private ErrorText() {
    }

    /**
     * {@code FILE: reason} (or {@code FILE -> OTHER: reason}) for a {@link FileSystemException}, see
     * {@link #reason}; for anything else its message, followed in parentheses by the message of its
     * cause when that adds something (ImageIO's "Error reading PNG image data" says nothing of the
     * "Unexpected end of ZLIB input stream" behind it).
     */
    static String describe(Throwable e) {
        if (e instanceof FileSystemException fileError) {
            String files = fileError.getFile() == null ? ""
                    : fileError.getOtherFile() == null ? fileError.getFile()
                    : fileError.getFile() + " -> " + fileError.getOtherFile();
            return files.isEmpty() ? reason(fileError) : files + ": " + reason(fileError);
        }
        String message = ownMessage(e);
        Throwable cause = e.getCause();
        if (cause == null || cause == e) {
            return message;
        }
        String causeText = describe(cause);
        // Wrappers often use "java.lang.X: text", their cause's toString(), as their message.
        if (message.equals(cause.toString())) {
            return causeText;
        }
        if (message.contains(causeText) || (cause.getMessage() != null && message.contains(cause.getMessage()))) {
            return message;
        }
        return message + " (" + causeText + ")";
    }

    /**
     * What is wrong with the file: the operating system's words when the exception has them (e.g.
     * "Not a directory", "Read-only file system"), else a reason named after the exception's class:
     * "no such file or directory", "permission denied", "exists and is not a directory" (or "already
     * exists" for a directory), "is not a directory", "directory not empty".
     */
    static String reason(FileSystemException e) {
        if (e.getReason() != null && !e.getReason().isBlank()) {
            return e.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            // Files.createDirectories throws this for a path that exists as something else.
            return e.getFile() != null && Files.isDirectory(Path.of(e.getFile())) ? "already exists"
                    : "exists and is not a directory";
        }
        if (e instanceof NotDirectoryException) {
            return "is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return e.getClass().getSimpleName();
    }

    private static String ownMessage(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        message = message.strip();
        // "Caught exception during read: " and the like announce a cause rather than state one.
        return message.endsWith(":") ? message.substring(0, message.length() - 1) : message;
    }
}
