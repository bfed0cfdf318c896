package dev.vectorcnn.model;

import java.util.List;

/**
 * The buffers one training pass runs in: a part of a batch that goes forward, through the loss and
 * backward on its own, so that passes can run side by side on the kernel threads (see
 * {@link Sequential#MAX_TRAINING_PASS}). A slot is reused by one pass after another.
 */
final class TrainingPass {

    final Workspace workspace;
    private final float[][][] layerParams;
    private ParameterGradients gradients;
    /** Set by the pass that last ran here: its summed loss and its correctly classified examples. */
    double lossSum;
    int correct;

    TrainingPass(List<Layer> layers, int[][] shapes, float[][][] layerParams, int capacity) {
        workspace = new Workspace(layers, shapes, capacity, true);
        this.layerParams = layerParams;
    }

    /**
     * The gradients of a pass that does not write into the batch's sum, allocated when first needed: a
     * batch of one pass never needs them.
     */
    ParameterGradients gradients() {
        if (gradients == null) {
            gradients = new ParameterGradients(layerParams);
        }
        return gradients;
    }
}
