package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TerminalCheck on stand-ins for /proc/self/fd entries: symbolic links to what a descriptor can write to. */
class TerminalCheckTest {

    @TempDir
    Path dir;

    private Path linkTo(String target) throws IOException {
        return Files.createSymbolicLink(dir.resolve("fd-" + Math.abs(target.hashCode())), Path.of(target));
    }

    @Test
    void pseudo_terminals_and_ttys_are_terminals() throws IOException {
        assertTrue(TerminalCheck.isTerminal(linkTo("/dev/pts/3")));
        assertTrue(TerminalCheck.isTerminal(linkTo("/dev/tty1")));
    }

    /** The case that used to draw redraws into a file: standard error redirected, standard output a terminal. */
    @Test
    void files_pipes_and_the_null_device_are_not() throws IOException {
        assertFalse(TerminalCheck.isTerminal(linkTo("/home/user/train.log")));
        assertFalse(TerminalCheck.isTerminal(linkTo("pipe:[48213]")));
        assertFalse(TerminalCheck.isTerminal(linkTo("/dev/null")));
    }

    @Test
    void unknown_is_not_a_terminal() throws IOException {
        assertFalse(TerminalCheck.isTerminal(dir.resolve("absent")));
        assertFalse(TerminalCheck.isTerminal(Files.writeString(dir.resolve("not-a-link"), "")));
    }
}
