package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HeapBudget on image headers alone (the files claim sizes their data does not have), with the heap given. */
class HeapBudgetTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void images_that_fit_pass() throws IOException {
        Path photo = DemoTestSupport.pngClaiming(dir, 1000, 1000);
        // 10^6 pixels at 40 bytes: 38.2 MiB.
        HeapBudget.check(List.of(photo), 40, 39 * MIB, 64 * MIB);
    }

    @Test
    void image_too_large_names_the_file_the_need_and_the_heap() throws IOException {
        Path photo = DemoTestSupport.pngClaiming(dir, 4000, 4000);
        IOException e = assertThrows(IOException.class,
                () -> HeapBudget.check(List.of(photo), 40, 240 * MIB, 256 * MIB));
        // 16 * 10^6 pixels at 40 bytes: 610.4 MiB, rounded up.
        assertEquals(photo + ": 4000x4000 pixels need about 611 MiB here (40 bytes a pixel), more than the 240 MiB "
                + "of heap free (maximum 256 MiB); use smaller images or give java a larger -Xmx", e.getMessage());
    }

    /** What a demo holds is per input, all inputs at once: each of these fits alone, the two do not. */
    @Test
    void the_need_is_summed_over_all_inputs_and_the_largest_is_named() throws IOException {
        Path small = DemoTestSupport.pngClaiming(dir, 2000, 1000);
        Path large = DemoTestSupport.pngClaiming(dir, 2000, 1500);
        HeapBudget.check(List.of(small), 32, 100 * MIB, 128 * MIB);
        HeapBudget.check(List.of(large), 32, 100 * MIB, 128 * MIB);
        IOException e = assertThrows(IOException.class,
                () -> HeapBudget.check(List.of(small, large), 32, 100 * MIB, 128 * MIB));
        // 5 * 10^6 pixels at 32 bytes: 152.6 MiB.
        assertEquals(large + ": 2000x1500 pixels with 1 other image need about 153 MiB here (32 bytes a pixel), more "
                + "than the 100 MiB of heap free (maximum 128 MiB); use smaller images or give java a larger -Xmx",
                e.getMessage());
    }
}
