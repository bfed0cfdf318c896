package dev.vectorcnn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link StridedGather} against a plain strided loop, with and without its vector gathers. */
class StridedGatherTest {

    @Test
    void copies_every_stride_th_float_for_counts_around_the_vector_length() {
        SplittableRandom random = new SplittableRandom(71);
        int lanes = VectorSpeciesChoice.FLOAT.length();
        for (int stride : new int[] {1, 2, 3, 17, 64, 3136}) {
            for (int count : new int[] {0, 1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 50}) {
                int fromIndex = random.nextInt(5);
                float[] from = TestArrays.uniform(random, fromIndex + Math.max(0, count - 1) * stride + 1);
                int toIndex = random.nextInt(3);
                float[] expected = TestArrays.filled(toIndex + count + 2, -7f);
                for (int j = 0; j < count; j++) {
                    expected[toIndex + j] = from[fromIndex + j * stride];
                }
                for (int[] offsets : new int[][] {StridedGather.offsets(stride), null}) {
                    float[] to = TestArrays.filled(toIndex + count + 2, -7f);
                    StridedGather.copy(from, fromIndex, stride, offsets, to, toIndex, count);
                    assertArrayEquals(expected, to, "stride " + stride + ", count " + count
                            + (offsets == null ? ", element by element" : ", gathered"));
                }
            }
        }
    }

    @Test
    void gather_offsets_up_to_the_largest_stride_whose_last_offset_fits_an_int() {
        int lanes = VectorSpeciesChoice.FLOAT.length();
        int largest = Integer.MAX_VALUE / (lanes - 1);
        int[] offsets = StridedGather.offsets(largest);
        assertNotNull(offsets);
        assertEquals((long) largest * (lanes - 1), offsets[lanes - 1]);
        assertNull(StridedGather.offsets(largest + 1));
        assertArrayEquals(java.util.stream.IntStream.range(0, lanes).map(lane -> lane * 3136).toArray(),
                StridedGather.offsets(3136));
    }
}
