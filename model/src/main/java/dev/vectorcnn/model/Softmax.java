package dev.vectorcnn.model;

/**
 * Class probabilities from logits, {@code [classes] -> [classes]}; allowed only as the last layer.
 *
 * <p>Training never runs it: the loss (softmax cross-entropy) takes the logits it receives, which is
 * the numerically stable form TensorFlow uses as well; {@link Sequential#predict} applies it.
 * A model without this layer predicts the same probabilities, since {@code predict} applies softmax
 * to the logits itself.
 */
public final class Softmax extends Layer {

    /** The softmax layer. */
    public Softmax() {
    }

    @Override
    String typeName() {
        return "softmax";
    }

    @Override
    int[] outputShape(int[] input) {
        if (input.length != 1) {
            throw new IllegalArgumentException(this + " expects flat logits [classes], got " + Shapes.text(input));
        }
        return input.clone();
    }

    @Override
    void forward(int batch, int[] inShape, float[] input, float[][] params, float[] output) {
        dev.vectorcnn.kernels.Softmax.forward(batch, inShape[0], input, output);
    }

    @Override
    void backward(int batch, int[] inShape, float[] input, float[] output, float[] outputGrad,
            float[][] params, float[] inputGrad, float[][] paramGrads) {
        throw new IllegalStateException("Softmax is folded into the loss and has no backward pass of its own");
    }

    @Override
    public String toString() {
        return "Softmax()";
    }
}
