package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link CacheLineAligned}: its idea of G1's region size, and the arrays it hands out. */
class CacheLineAlignedTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /**
     * Region sizes JDK 25 chose for these -Xmx values ({@code java -Xmx.. -XX:+PrintFlagsFinal -version},
     * G1HeapRegionSize): 1 MiB up to 2 GiB, then the next power of two above heap / 2048, at most 32 MiB.
     */
    @Test
    void half_a_region_as_g1_chose_it_for_these_heaps() {
        long[][] heapAndRegion = {
            {256 * MIB, MIB}, {512 * MIB, MIB}, {GIB, MIB}, {2 * GIB, MIB}, {3 * GIB, 2 * MIB},
            {4 * GIB, 2 * MIB}, {5 * GIB, 4 * MIB}, {8 * GIB, 4 * MIB}, {12 * GIB, 8 * MIB}, {16 * GIB, 8 * MIB},
        };
        for (long[] pair : heapAndRegion) {
            assertEquals(pair[1] / 2 / Float.BYTES, CacheLineAligned.humongousFloats(pair[0]), "heap " + pair[0]);
        }
    }

    @Test
    void no_padding_where_half_a_region_is_above_the_cap() {
        // 20 GiB: 16 MiB regions (as printed by JDK 25), 8 MiB halves.
        assertEquals(0, CacheLineAligned.humongousFloats(20 * GIB));
        assertEquals(0, CacheLineAligned.humongousFloats(Long.MAX_VALUE));
    }

    @Test
    void arrays_hold_the_length_after_the_first_aligned_element() {
        for (int length : new int[] {0, 1, 17, 1 << 20, (1 << 22) + 3}) {
            float[] array = CacheLineAligned.floats(length);
            assertTrue(array.length >= CacheLineAligned.FIRST + length, "length " + length);
            assertEquals(array.length, CacheLineAligned.lengthFor(length));
        }
    }
}
