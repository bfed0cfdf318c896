package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link FixedChunks}: every item exactly once, for small counts and counts near {@code Integer.MAX_VALUE}. */
class FixedChunksTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void covers_every_item_once_up_to_the_largest_int() {
        KernelThreads.setThreads(2);
        for (int items : new int[] {0, 1, 2, 1 << 17, (1 << 17) + 3, 5_000_000, Integer.MAX_VALUE - 40_000,
            Integer.MAX_VALUE - 2, Integer.MAX_VALUE}) {
            // The ranges, not the items, are recorded: they must tile [0, items) with no gap or overlap.
            ConcurrentHashMap<Integer, Integer> ranges = new ConcurrentHashMap<>();
            AtomicLong covered = new AtomicLong();
            FixedChunks.run(items, 1, (start, end) -> {
                ranges.put(start, end);
                covered.addAndGet(end - start);
            });
            assertEquals(items, covered.get(), items + " items");
            long next = 0;
            while (next < items) {
                Integer end = ranges.get((int) next);
                assertTrue(end != null && end > next, items + " items: no range starts at " + next);
                next = end;
            }
            assertEquals(items, next, items + " items");
        }
    }
}
