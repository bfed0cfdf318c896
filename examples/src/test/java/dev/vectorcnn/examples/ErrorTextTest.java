package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import javax.imageio.IIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user sees what is wrong with a file, not only its name, and wrappers do not repeat their causes. */
class ErrorTextTest {

    @TempDir
    Path dir;

    /** These exceptions' getMessage() is the bare path. */
    @Test
    void file_system_exceptions_without_a_reason_get_one_from_their_class() {
        assertEquals("/a: no such file or directory", ErrorText.describe(new NoSuchFileException("/a")));
        assertEquals("/a: permission denied", ErrorText.describe(new AccessDeniedException("/a")));
        assertEquals("/a: is not a directory", ErrorText.describe(new NotDirectoryException("/a")));
    }

    /** Files.createDirectories throws FileAlreadyExistsException for a path that exists as a file. */
    @Test
    void already_exists_says_whether_it_is_a_directory() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "");
        assertEquals(file + ": exists and is not a directory",
                ErrorText.describe(new FileAlreadyExistsException(file.toString())));
        assertEquals(dir + ": already exists", ErrorText.describe(new FileAlreadyExistsException(dir.toString())));
    }

    @Test
    void the_operating_systems_reason_is_kept_and_both_files_named() {
        assertEquals("/a: Read-only file system",
                ErrorText.describe(new FileSystemException("/a", null, "Read-only file system")));
        assertEquals("/a -> /b: Cross-device link", ErrorText.describe(new FileSystemException("/a", "/b",
                "Cross-device link")));
    }

    @Test
    void a_wrapper_that_repeats_its_cause_gives_the_cause_alone() {
        assertEquals("Invalid scanline stride", ErrorText.describe(new IIOException(
                "java.lang.IllegalArgumentException: Invalid scanline stride",
                new IllegalArgumentException("Invalid scanline stride"))));
        assertEquals("/a: permission denied",
                ErrorText.describe(new UncheckedIOException(new AccessDeniedException("/a"))));
    }

    @Test
    void a_cause_that_adds_detail_follows_in_parentheses() {
        assertEquals("Error reading PNG image data (Unexpected end of ZLIB input stream)", ErrorText.describe(
                new IIOException("Error reading PNG image data", new EOFException("Unexpected end of ZLIB input stream"))));
        assertEquals("Caught exception during read (Java heap space)", ErrorText.describe(
                new IIOException("Caught exception during read: ", new OutOfMemoryError("Java heap space"))));
    }

    /** A wrapper that adds context to its cause's text keeps the context, once. */
    @Test
    void a_wrapper_that_quotes_its_cause_keeps_its_own_message() {
        IOException cause = new IOException("cannot write to /a: exists and is not a directory");
        assertEquals("OUTPUT_DIR: cannot write to /a: exists and is not a directory",
                ErrorText.describe(new IOException("OUTPUT_DIR: " + cause.getMessage(), cause)));
    }

    @Test
    void an_exception_without_a_message_is_named_by_its_class() {
        assertEquals("IOException", ErrorText.describe(new IOException()));
        assertEquals("plain message", ErrorText.describe(new IOException("plain message")));
    }
}
