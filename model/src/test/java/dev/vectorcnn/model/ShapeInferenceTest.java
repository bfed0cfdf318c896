package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorcnn.kernels.Padding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes are inferred when a model is built, and a misfit fails there with both shapes named. */
class ShapeInferenceTest {

    /** The TensorFlow CNN tutorial's MNIST network (the examples module's {@code MnistNetwork}), from {@code seed}. */
    static Sequential tutorialNetwork(long seed) {
        return Sequential.builder(28, 28, 1)
                .add(new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new Conv2D(64, 3, 3).strides(2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Flatten())
                .add(new Dense(64, Activation.RELU))
                .add(new Dense(10))
                .build(seed);
    }

    /** Keras' summary() of the tutorial's network reports 220,234 parameters. */
    @Test
    void tutorial_network_shapes_and_parameter_count_match_keras() {
        Sequential model = tutorialNetwork(42);
        assertArrayEquals(new int[] {10}, model.outputShape());
        assertEquals(220_234, model.parameterCount());
        List<String> names = model.parameters().stream().map(Parameter::toString).toList();
        assertEquals(List.of("0.conv2d.kernel [3, 3, 1, 32]", "0.conv2d.bias [32]", "1.conv2d.kernel [3, 3, 32, 64]",
                "1.conv2d.bias [64]", "4.dense.kernel [3136, 64]", "4.dense.bias [64]", "5.dense.kernel [64, 10]",
                "5.dense.bias [10]"), names);
        assertTrue(model.summary().contains("[7, 7, 64]"), model.summary());
    }

    /** 13 wide, window 6, stride 5: SAME gives ceil(13 / 5) = 3, VALID floor((13 - 6) / 5) + 1 = 2. */
    @Test
    void same_padding_rounds_up_and_valid_rounds_down() {
        for (Padding padding : Padding.values()) {
            Sequential model = Sequential.builder(13, 13, 1)
                    .add(new Conv2D(1, 6, 6).strides(5, 5).padding(padding))
                    .add(new Flatten())
                    .add(new Dense(1))
                    .build(0);
            int side = padding == Padding.SAME ? 3 : 2;
            assertArrayEquals(new int[] {side * side, 1}, model.parameters().get(2).shape(), padding.name());
        }
    }

    @Test
    void dense_on_an_image_fails_naming_both_shapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.builder(28, 28, 1)
                .add(new Conv2D(8, 3, 3))
                .add(new Dense(10))
                .build(0));
        assertTrue(e.getMessage().contains("layer 1 Dense(10, NONE)"), e.getMessage());
        assertTrue(e.getMessage().contains("[26, 26, 8]"), e.getMessage());
        assertTrue(e.getMessage().contains("layer 0 Conv2D(8, 3x3"), e.getMessage());
        assertTrue(e.getMessage().contains("Flatten"), e.getMessage());
    }

    @Test
    void conv_after_flatten_fails_naming_both_shapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.builder(4, 4, 2)
                .add(new Flatten())
                .add(new Conv2D(8, 3, 3))
                .build(0));
        assertTrue(e.getMessage().contains("[32]") && e.getMessage().contains("[height, width, channels]"),
                e.getMessage());
    }

    @Test
    void conv_on_the_model_input_of_wrong_rank_names_the_input() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(784).add(new Conv2D(8, 3, 3)).build(0));
        assertTrue(e.getMessage().contains("the model input") && e.getMessage().contains("[784]"), e.getMessage());
    }

    @Test
    void a_parameter_too_large_for_an_array_fails_naming_the_layer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(100_000).add(new Dense(100_000)).build(0));
        assertTrue(e.getMessage().startsWith("layer 0 Dense(100000") && e.getMessage().contains("[100000]")
                && e.getMessage().contains("kernel shape [100000, 100000] has more than"), e.getMessage());
    }

    @Test
    void valid_window_larger_than_input_fails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.builder(3, 3, 1)
                .add(new MaxPool2D(2, 2))
                .add(new MaxPool2D(2, 2))
                .build(0));
        assertTrue(e.getMessage().contains("[1, 1, 1]") && e.getMessage().contains("[0, 0, 1]"), e.getMessage());
    }

    @Test
    void softmax_must_be_last() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.builder(4)
                .add(new Softmax())
                .add(new Dense(2))
                .build(0));
        assertTrue(e.getMessage().contains("last"), e.getMessage());
    }

    @Test
    void loss_needs_flat_logits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(4, 4, 1).add(new Conv2D(2, 3, 3)).build(0));
        assertEquals("the loss needs flat logits [classes] from the last layer, got [2, 2, 2] (end the model with "
                + "Flatten and Dense)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sequential.builder(4, 4, 1).add(new Conv2D(2, 3, 3)).add(new Softmax()).build(0));
        assertTrue(e.getMessage().contains("[2, 2, 2]"), e.getMessage());
    }

    @Test
    void bad_layer_arguments_name_the_argument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv2D(0, 3, 3));
        assertEquals("filters must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(2, 2).strides(0, 1));
        assertEquals("strideHeight must be > 0, got 0", e.getMessage());
        assertThrows(NullPointerException.class, () -> new Dense(3, null));
        e = assertThrows(IllegalArgumentException.class, () -> Sequential.builder(28, 0, 1));
        assertEquals("inputShape[1] must be > 0, got 0 in [28, 0, 1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sequential.builder(4).build(0));
    }

    @Test
    void glorot_uniform_respects_its_limit_and_biases_start_at_zero() {
        Sequential model = Sequential.builder(28, 28, 1)
                .add(new Conv2D(32, 3, 3))
                .add(new Flatten())
                .add(new Dense(10))
                .build(5);
        float[] kernel = model.parameters().get(0).values;
        double limit = Math.sqrt(6.0 / (9 * 1 + 9 * 32));
        double sumSquares = 0;
        for (float v : kernel) {
            assertTrue(Math.abs(v) <= limit);
            sumSquares += v * v;
        }
        // Uniform(-l, l) has variance l^2 / 3; 288 samples estimate it within ~15% (3 sigma).
        assertEquals(limit * limit / 3, sumSquares / kernel.length, 0.15 * limit * limit / 3);
        for (float v : model.parameters().get(1).values) {
            assertEquals(0f, v);
        }
        assertArrayEquals(kernel, Sequential.builder(28, 28, 1).add(new Conv2D(32, 3, 3)).add(new Flatten())
                .add(new Dense(10)).build(5).parameters().get(0).values);
    }
}
