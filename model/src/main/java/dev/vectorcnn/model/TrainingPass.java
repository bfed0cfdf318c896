package dev.vectorcnn.model;

import java.util.List;

/**
 * The buffers of one training pass: a part of a batch that runs forward, through the loss and backward
 * on its own, into its own activations and its own dLoss/dParameter arrays, so that the passes of one
 * batch can run side by side on the kernel threads (see {@link Sequential}).
 */
final class TrainingPass {

    final Workspace workspace;
    /** dLoss/dParameter of this pass's examples, {@code [layer][parameter of that layer]}. */
    final float[][][] layerGrads;
    /** The same arrays in the order of {@link Sequential#parameters()}. */
    final float[][] parameterGrads;
    /** This pass's summed loss, set by the pass. */
    double lossSum;

    TrainingPass(List<Layer> layers, int[][] shapes, float[][][] layerParams, int capacity) {
        workspace = new Workspace(layers, shapes, capacity, true);
        layerGrads = new float[layerParams.length][][];
        int count = 0;
        for (float[][] params : layerParams) {
            count += params.length;
        }
        parameterGrads = new float[count][];
        int next = 0;
        for (int i = 0; i < layerParams.length; i++) {
            layerGrads[i] = new float[layerParams[i].length][];
            for (int j = 0; j < layerParams[i].length; j++) {
                layerGrads[i][j] = new float[layerParams[i][j].length];
                parameterGrads[next++] = layerGrads[i][j];
            }
        }
    }
}
