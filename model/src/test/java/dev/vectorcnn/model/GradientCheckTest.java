package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorcnn.kernels.Padding;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Checks the gradients that {@link Sequential} produces (every layer's backward, chained) against
 * central finite differences of an independent double-precision forward pass.
 *
 * <p>Tolerance: the analytic gradients are float32 sums of products, the longest 1,515 of them (a
 * first-layer filter gradient over 101 examples and 15 window positions), of terms whose magnitudes add
 * up to order 1 (Glorot weights, inputs in [-1, 1], the loss a mean over the batch). A float sum of K
 * terms errs by at most K * u = 1515 * 6e-8 = 9.1e-5 of that sum (Higham's gamma_K), and the layers'
 * shorter sums add less; so the error is below 1e-4 times the larger of 1 and the value's own size.
 * The double finite difference with h = 1e-5 is exact to ~1e-10 (truncation h^2 f'''/6, rounding
 * 1e-16 / h). Hence |analytic - numeric| <= 1e-4 * max(1, |numeric|), and the same bound for the loss,
 * which the same float32 layers compute. The errors measured stay below 1e-7; a wrong or missing term
 * changes a gradient by far more (typically 1e-2 to 1).
 */
class GradientCheckTest {

    private static final double H = 1e-5;
    /** The bound derived above, on the scale of max(1, |value|). */
    private static final double BOUND = 1e-4;

    @Test
    void strided_same_conv_relu_maxpool_flatten_dense_relu_dense() {
        checkStridedNetwork(3);
    }

    /**
     * A batch of more than {@link Sequential#MAX_TRAINING_PASS} examples trains in passes (here 33 + 34
     * + 34) whose gradients are added up: each pass must scale by the whole batch, not by its own size.
     */
    @Test
    void a_batch_trained_in_three_passes_gets_the_gradient_of_its_mean_loss() {
        assertEquals(3, Sequential.passCount(101));
        checkStridedNetwork(101);
    }

    private static void checkStridedNetwork(int batch) {
        Sequential model = Sequential.builder(6, 5, 2)
                .add(new Conv2D(3, 3, 3).strides(2, 1).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2).strides(1, 2))
                .add(new Flatten())
                .add(new Dense(4, Activation.RELU))
                .add(new Dense(3))
                .build(7);
        // conv [6,5,2] -> [3,5,3]; pool 2x2 stride 1x2 VALID -> [2,2,3]; flatten 12
        ToDoubleFunction<double[][]> loss = p -> {
            double[] x = input(batch, 6 * 5 * 2);
            double[] a = DoubleReference.conv(x, batch, 6, 5, 2, p[0], p[1], 3, 3, 3, 2, 1, true, true);
            a = DoubleReference.pool(a, batch, 3, 5, 3, 2, 2, 1, 2, false, true);
            a = DoubleReference.dense(a, batch, 12, 4, p[2], p[3], true);
            a = DoubleReference.dense(a, batch, 4, 3, p[4], p[5], false);
            return DoubleReference.crossEntropy(a, batch, 3, labels(batch, 3));
        };
        int checked = check(model, batch, 3, loss);
        assertEquals(model.parameterCount(), checked);
    }

    /**
     * The first layer never computes an input gradient ({@link Sequential} passes none), so a Conv2D must
     * follow another layer for its input gradient, taken after its ReLU mask, to reach a checked gradient:
     * here the first convolution's parameters see only what the second one sends back.
     */
    @Test
    void conv_after_conv_sends_back_its_relu_masked_input_gradient() {
        int batch = 2;
        Sequential model = Sequential.builder(6, 6, 2)
                .add(new Conv2D(3, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new Conv2D(2, 2, 2).strides(2, 2).activation(Activation.RELU))
                .add(new Flatten())
                .add(new Dense(3))
                .build(5);
        // conv 3x3 SAME [6,6,2] -> [6,6,3]; conv 2x2 stride 2 VALID -> [3,3,2]; flatten 18
        ToDoubleFunction<double[][]> loss = p -> {
            double[] x = input(batch, 6 * 6 * 2);
            double[] a = DoubleReference.conv(x, batch, 6, 6, 2, p[0], p[1], 3, 3, 3, 1, 1, true, true);
            a = DoubleReference.conv(a, batch, 6, 6, 3, p[2], p[3], 2, 2, 2, 2, 2, false, true);
            a = DoubleReference.dense(a, batch, 18, 3, p[4], p[5], false);
            return DoubleReference.crossEntropy(a, batch, 3, labels(batch, 3));
        };
        int checked = check(model, batch, 3, loss);
        assertEquals(model.parameterCount(), checked);
    }

    @Test
    void valid_conv_without_bias_relu_layer_same_avgpool_dense_softmax() {
        Sequential model = Sequential.builder(5, 5, 1)
                .add(new Conv2D(2, 2, 3).useBias(false))
                .add(new ReLU())
                .add(new AvgPool2D(2, 2).padding(Padding.SAME))
                .add(new Flatten())
                .add(new Dense(3))
                .add(new Softmax())
                .build(11);
        int batch = 2;
        // conv 2x3 VALID [5,5,1] -> [4,3,2]; avgpool 2x2 s2 SAME -> [2,2,2] (last column half padded)
        ToDoubleFunction<double[][]> loss = p -> {
            double[] x = input(batch, 25);
            double[] a = DoubleReference.conv(x, batch, 5, 5, 1, p[0], null, 2, 3, 2, 1, 1, false, false);
            a = DoubleReference.relu(a);
            a = DoubleReference.pool(a, batch, 4, 3, 2, 2, 2, 2, 2, true, false);
            a = DoubleReference.dense(a, batch, 8, 3, p[1], p[2], false);
            return DoubleReference.crossEntropy(a, batch, 3, labels(batch, 3));
        };
        int checked = check(model, batch, 3, loss);
        assertEquals(model.parameterCount(), checked);
    }

    /** Compares loss and every parameter gradient; returns how many gradient entries were checked. */
    private static int check(Sequential model, int batch, int classes, ToDoubleFunction<double[][]> referenceLoss) {
        int inputSize = 1;
        for (int d : model.inputShape()) {
            inputSize *= d;
        }
        float[] images = toFloat(input(batch, inputSize));
        float[] lossOut = new float[1];
        float[][] grads = model.gradients(images, labels(batch, classes), lossOut);
        List<Parameter> parameters = model.parameters();
        double[][] p = new double[parameters.size()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = DoubleReference.toDouble(parameters.get(i).values);
        }
        double reference = referenceLoss.applyAsDouble(p);
        assertEquals(reference, lossOut[0], BOUND * Math.max(1, reference), "forward loss");
        int checked = 0;
        double worst = 0;
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < p[i].length; k++) {
                double saved = p[i][k];
                p[i][k] = saved + H;
                double plus = referenceLoss.applyAsDouble(p);
                p[i][k] = saved - H;
                double minus = referenceLoss.applyAsDouble(p);
                p[i][k] = saved;
                double numeric = (plus - minus) / (2 * H);
                double error = Math.abs(grads[i][k] - numeric);
                worst = Math.max(worst, error);
                if (error > BOUND * Math.max(1, Math.abs(numeric))) {
                    throw new AssertionError(parameters.get(i) + " element " + k + ": analytic gradient "
                            + grads[i][k] + " vs numeric " + numeric);
                }
                checked++;
            }
        }
        System.out.printf("gradient check: %d entries, worst |analytic - numeric| = %.2e%n", checked, worst);
        return checked;
    }

    /** The same pseudo-random inputs in [-1, 1] for the model and the reference. */
    private static double[] input(int batch, int size) {
        SplittableRandom random = new SplittableRandom(3);
        double[] x = new double[batch * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * random.nextDouble() - 1);
        }
        return x;
    }

    private static int[] labels(int batch, int classes) {
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = (i * 2 + 1) % classes;
        }
        return labels;
    }

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
