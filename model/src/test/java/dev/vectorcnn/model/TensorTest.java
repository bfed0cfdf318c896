package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void indexes_row_major_and_keeps_its_shape() {
        Tensor t = new Tensor(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertEquals(5f, t.get(1, 2));
        assertEquals(3f, t.get(1, 0));
        int[] shape = t.shape();
        shape[0] = 99;
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.rank());
        assertEquals(6, t.size());
    }

    @Test
    void to_string_shows_shape_and_a_preview() {
        assertEquals("Tensor[2, 3] [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]",
                new Tensor(new float[] {0, 1, 2, 3, 4, 5}, 2, 3).toString());
        assertEquals("Tensor[8] [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, ... 8 values]", Tensor.zeros(8).toString());
        assertEquals("Tensor[] [7.0]", new Tensor(new float[] {7}).toString());
    }

    @Test
    void equal_means_the_same_shape_and_the_same_bits() {
        float otherNaN = Float.intBitsToFloat(0x7fc00001);
        assertEquals(new Tensor(new float[] {1, Float.NaN}, 2), new Tensor(new float[] {1, Float.NaN}, 2));
        assertNotEquals(new Tensor(new float[] {1, Float.NaN}, 2), new Tensor(new float[] {1, otherNaN}, 2));
        assertNotEquals(new Tensor(new float[] {0f}, 1), new Tensor(new float[] {-0f}, 1));
        assertNotEquals(new Tensor(new float[] {1, 2}, 2), new Tensor(new float[] {1, 2}, 1, 2));
        NullPointerException e = assertThrows(NullPointerException.class, () -> Tensor.zeros((int[]) null));
        assertEquals("shape must not be null", e.getMessage());
    }

    @Test
    void rejects_a_shape_that_does_not_match_the_data() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tensor(new float[5], 2, 3));
        assertEquals("shape [2, 3] holds 6 elements but data has 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new float[0], -1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).get(1));
    }

    @Test
    void rejects_an_axis_out_of_range_and_a_shape_too_large_for_an_array() {
        IndexOutOfBoundsException axis = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).dim(2));
        assertEquals("axis 2 out of bounds for tensor [2, 3] of rank 2", axis.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).dim(-1));
        IllegalArgumentException large = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(100000, 100000));
        assertEquals("shape [100000, 100000] has more than 2147483647 elements", large.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 30, 1 << 30, 1 << 30));
    }
}
