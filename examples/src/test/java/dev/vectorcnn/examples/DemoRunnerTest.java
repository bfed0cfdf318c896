package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DemoRunner: what a demo that runs out of heap tells the user. */
class DemoRunnerTest {

    @TempDir
    Path dir;

    private static DemoTestSupport.Run runOutOfMemory(String... args) {
        DemoRunner.Demo exhausting = (arguments, out, err) -> {
            throw new OutOfMemoryError("Java heap space");
        };
        return DemoTestSupport.run((a, out, err) -> DemoRunner.run("SomeDemo", "usage\n", false, a, out, err, exhausting),
                args);
    }

    /** It used to escape as an OutOfMemoryError with a stack trace, though the README promises one line and status 1. */
    @Test
    void out_of_memory_is_one_line_with_the_images_their_sizes_and_the_heap() throws IOException {
        Path photo = DemoTestSupport.writePng(dir.resolve("photo.png"), 8, 6, (x, y) -> 0x123456);
        DemoTestSupport.Run run = runOutOfMemory(photo.toString(), dir.resolve("out").toString());
        assertEquals(1, run.status());
        assertEquals("SomeDemo: out of memory with " + photo + " (8x6) in this JVM's maximum heap of "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; use smaller images or give java a larger -Xmx\n",
                run.err());
    }

    @Test
    void out_of_memory_with_the_built_in_images_says_so() {
        DemoTestSupport.Run run = runOutOfMemory(dir.resolve("out").toString());
        assertEquals(1, run.status());
        assertEquals(1, run.err().lines().count(), run.err());
        assertEquals(true, run.err().startsWith("SomeDemo: out of memory with the built-in images in "), run.err());
    }
}
