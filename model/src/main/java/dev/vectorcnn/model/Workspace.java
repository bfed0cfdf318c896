package dev.vectorcnn.model;

import java.util.List;

/**
 * The activation (and, for training, gradient) buffers of one pass through a model, sized for
 * {@code capacity} examples and reused for every batch: fresh memory costs a page fault per 4 KiB
 * on first touch, so allocating per batch would dominate the run time.
 *
 * <p>{@code activations[i]} is the input of layer {@code i} ({@code activations[0]} the model input);
 * {@code gradients[i]} is dLoss/d{@code activations[i]} ({@code gradients[0]} is never needed and is
 * null). A layer that only reshapes shares its input's buffers. For training, {@code saved[i]} holds
 * what layer {@code i} keeps from its forward pass for its backward pass (null if nothing).
 */
final class Workspace {

    final int capacity;
    final float[][] activations;
    final float[][] gradients;
    final byte[][] saved;
    final int[] labels;

    /**
     * For inference cut into {@link LocalPasses}: the leading layers' buffers for one sub-pass (null when
     * passes are not cut). This workspace then has no buffers of its own between those layers' input and
     * output ({@code activations[i]} is null for {@code 0 < i < local layers}).
     */
    final Workspace local;

    /** A training workspace, or an inference one whose passes are not cut. */
    Workspace(List<Layer> layers, int[][] shapes, int capacity, boolean training) {
        this(layers, shapes, capacity, training, null);
    }

    /** An inference workspace whose passes are cut into {@code localPasses} where that applies. */
    Workspace(List<Layer> layers, int[][] shapes, int capacity, LocalPasses localPasses) {
        this(layers, shapes, capacity, false, localPasses.cut(capacity) ? localPasses : null);
    }

    private Workspace(List<Layer> layers, int[][] shapes, int capacity, boolean training, LocalPasses cut) {
        this.capacity = capacity;
        int localLayers = cut == null ? 0 : cut.layers();
        local = cut == null ? null : new Workspace(layers.subList(0, localLayers), shapes, cut.capacity(), false);
        int count = layers.size();
        activations = new float[count + 1][];
        gradients = training ? new float[count + 1][] : null;
        saved = training ? new byte[count][] : null;
        labels = new int[capacity];
        activations[0] = new float[passLength(capacity, shapes[0], "the input")];
        for (int i = 1; i <= count; i++) {
            if (i < localLayers) {
                continue;
            }
            boolean shared = layers.get(i - 1).reshapesOnly() && activations[i - 1] != null;
            int length = passLength(capacity, shapes[i], "layer " + (i - 1) + "'s output");
            activations[i] = shared ? activations[i - 1] : new float[length];
            if (training) {
                gradients[i] = shared && i > 1 ? gradients[i - 1] : new float[length];
                int savedBytes = layers.get(i - 1).savedBytesPerExample(shapes[i - 1]);
                saved[i - 1] = savedBytes == 0 ? null : new byte[Shapes.arrayLength(capacity, savedBytes,
                        "layer " + (i - 1) + "'s bytes saved for backward", smallerPasses(capacity))];
            }
        }
    }

    private static int passLength(int capacity, int[] shape, String what) {
        return Shapes.arrayLength(capacity, Shapes.intSize(shape), what + " " + Shapes.text(shape),
                smallerPasses(capacity));
    }

    /**
     * A pass holds the smallest of the batch size, the examples and the model's pass limit, so only a
     * batch size below the pass's own size makes it smaller.
     */
    private static String smallerPasses(int capacity) {
        return "a batchSize below " + capacity + " makes each pass hold fewer examples";
    }
}
