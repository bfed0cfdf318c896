package dev.vectorcnn.model;

import dev.vectorcnn.kernels.Add;

/**
 * dLoss/dParameter for every parameter of a model: per layer, as {@link Layer#backward} writes them, and
 * the same arrays in the order of {@link Sequential#parameters()}, as optimizers read them.
 */
final class ParameterGradients {

    /** {@code [layer][parameter of that layer]}. */
    final float[][][] byLayer;
    /** The same arrays in parameter order. */
    final float[][] inOrder;

    ParameterGradients(float[][][] layerParams) {
        byLayer = new float[layerParams.length][][];
        int count = 0;
        for (float[][] params : layerParams) {
            count += params.length;
        }
        inOrder = new float[count][];
        int next = 0;
        for (int i = 0; i < layerParams.length; i++) {
            byLayer[i] = new float[layerParams[i].length][];
            for (int j = 0; j < layerParams[i].length; j++) {
                byLayer[i][j] = new float[layerParams[i][j].length];
                inOrder[next++] = byLayer[i][j];
            }
        }
    }

    /** Adds {@code other}'s gradients to these, element by element. */
    void add(ParameterGradients other) {
        for (int i = 0; i < inOrder.length; i++) {
            Add.inPlace(inOrder[i], other.inOrder[i], inOrder[i].length);
        }
    }
}
