package dev.vectorcnn.model;

import dev.vectorcnn.kernels.Relu;
import java.util.List;

/**
 * Fully connected layer, {@code [in] -> [units]}, as Keras' {@code Dense}: {@code act(x W + b)} with
 * a kernel {@code [in, units]} and a bias {@code [units]}. The input must be flat (put a
 * {@link Flatten} before it).
 */
public final class Dense extends Layer {

    private final int units;
    private final Activation activation;

    /**
     * {@code units} outputs, no activation (logits, when it is the last layer).
     *
     * @param units output features, {@code > 0}
     */
    public Dense(int units) {
        this(units, Activation.NONE);
    }

    /**
     * {@code units} outputs followed by {@code activation}.
     *
     * @param units      output features, {@code > 0}
     * @param activation {@link Activation#NONE} or {@link Activation#RELU}, not null
     */
    public Dense(int units, Activation activation) {
        this.units = LayerChecks.positive("units", units);
        this.activation = LayerChecks.notNull("activation", activation);
    }

    @Override
    String typeName() {
        return "dense";
    }

    @Override
    int[] outputShape(int[] input) {
        if (input.length != 1) {
            throw new IllegalArgumentException(this + " expects a flat input [features], got " + Shapes.text(input)
                    + " (put a Flatten before it)");
        }
        return new int[] {units};
    }

    @Override
    List<ParameterSpec> parameters(int[] input) {
        return List.of(ParameterSpec.glorot("kernel", new int[] {input[0], units}, input[0], units),
                ParameterSpec.zeros("bias", units));
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        dev.vectorcnn.kernels.Dense.forward(batch, inShape[0], units, input, params[0], params[1],
                activation == Activation.RELU, output);
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        if (activation == Activation.RELU) {
            Relu.backward(output, outputGrad, outputGrad, batch * units);
        }
        dev.vectorcnn.kernels.Dense.backward(batch, inShape[0], units, input, params[0], outputGrad, inputGrad,
                paramGrads[0], paramGrads[1]);
    }

    /** E.g. {@code Dense(64, RELU)}. */
    @Override
    public String toString() {
        return "Dense(" + units + ", " + activation + ")";
    }
}
