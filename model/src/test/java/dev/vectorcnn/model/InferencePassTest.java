package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorcnn.kernels.KernelThreads;
import dev.vectorcnn.kernels.Padding;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Inference is cut into passes of at most {@link Sequential#MAX_INFERENCE_PASS} examples, and the leading
 * image layers of a pass into {@link LocalPasses}, for speed; the results must not depend on how the
 * examples are grouped into passes and sub-passes, nor on whether the passes run one after another or
 * side by side on several threads.
 */
class InferencePassTest {

    @Test
    void predictions_and_evaluation_do_not_depend_on_the_pass_size() {
        Sequential model = model();
        assertFalse(model.localPasses().cut(Sequential.MAX_INFERENCE_PASS), "this model's passes are not cut");
        predictionsDoNotDependOnThePassSize(model);
    }

    /**
     * Three input channels: the convolution gathers its patches and runs tiles of pixels on across output
     * rows and images, so which pixels fall in a chunk's ragged last tile depends on the pass size.
     */
    @Test
    void a_convolution_whose_tiles_cross_images_predicts_the_same_bits_in_any_batch() {
        predictionsDoNotDependOnThePassSize(Sequential.builder(10, 10, 3)
                .add(new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Flatten())
                .add(new Dense(5))
                .build(6));
    }

    @Test
    void sub_passes_of_the_image_layers_give_bitwise_the_uncut_results() {
        Sequential model = largeImagesModel();
        LocalPasses local = model.localPasses();
        assertEquals(4, local.layers(), "conv, pool, conv, flatten");
        assertTrue(local.cut(Sequential.MAX_INFERENCE_PASS) && local.capacity() > 1
                        && Sequential.MAX_INFERENCE_PASS % local.capacity() != 0,
                "passes of 50 cut into several sub-passes, the last one shorter: " + local);
        // Passes of one example are never cut, so they are the reference for the cut passes.
        predictionsDoNotDependOnThePassSize(model);
    }

    /**
     * The tutorial's MNIST network: its first dense layer sums 3,136 products in several depth blocks, on
     * tiles as wide as its 64 outputs, so a pass's last rows must add each block as its full tiles do.
     */
    @Test
    void the_tutorials_network_predicts_the_same_bits_in_any_batch() {
        predictionsDoNotDependOnThePassSize(ShapeInferenceTest.tutorialNetwork(5));
    }

    private static void predictionsDoNotDependOnThePassSize(Sequential model) {
        withBiases(model);
        int count = 2 * Sequential.MAX_INFERENCE_PASS + 30;
        float[] images = images(model, count);
        int[] labels = new SplittableRandom(10).ints(count, 0, 5).toArray();

        float[] reference = model.predict(images, 1);
        Evaluation referenceEvaluation = model.evaluate(images, labels, 1);
        for (int batchSize : new int[] {7, Sequential.MAX_INFERENCE_PASS, count}) {
            assertArrayEquals(reference, model.predict(images, batchSize), "batchSize " + batchSize);
            Evaluation evaluation = model.evaluate(images, labels, batchSize);
            assertEquals(referenceEvaluation.accuracy(), evaluation.accuracy(), "batchSize " + batchSize);
        }
    }

    @Test
    void passes_side_by_side_give_bitwise_the_single_thread_results() {
        passesSideBySideGiveTheSingleThreadResults(model(), 7);
        passesSideBySideGiveTheSingleThreadResults(largeImagesModel(), Sequential.MAX_INFERENCE_PASS);
    }

    private static void passesSideBySideGiveTheSingleThreadResults(Sequential model, int batchSize) {
        int count = 2 * Sequential.MAX_INFERENCE_PASS + 30;
        float[] images = images(model, count);
        int[] labels = new SplittableRandom(11).ints(count, 0, 5).toArray();
        int original = KernelThreads.threads();
        try {
            KernelThreads.setThreads(1);
            float[] reference = model.predict(images, batchSize);
            Evaluation referenceEvaluation = model.evaluate(images, labels, batchSize);
            // 19 passes of 7 run side by side on 2 and 3 threads, one after another with every kernel split
            // on 8; 3 passes of 50 always split the kernels.
            for (int threads : new int[] {2, 3, 8}) {
                KernelThreads.setThreads(threads);
                assertArrayEquals(reference, model.predict(images, batchSize), threads + " threads");
                Evaluation evaluation = model.evaluate(images, labels, batchSize);
                assertEquals(referenceEvaluation.loss(), evaluation.loss(), 0, threads + " threads");
                assertEquals(referenceEvaluation.accuracy(), evaluation.accuracy(), 0, threads + " threads");
            }
        } finally {
            KernelThreads.setThreads(original);
        }
    }

    /**
     * Non-zero biases, as training leaves them: they start at zero, and a bias added in a different order
     * where a tile is ragged would not show until they are not.
     */
    private static void withBiases(Sequential model) {
        SplittableRandom random = new SplittableRandom(12);
        for (Parameter p : model.parameters()) {
            if (p.name().endsWith(".bias")) {
                for (int i = 0; i < p.size(); i++) {
                    p.values[i] = (float) random.nextDouble(-0.5, 0.5);
                }
            }
        }
    }

    private static Sequential model() {
        return Sequential.builder(9, 9, 1)
                .add(new Conv2D(8, 3, 3).strides(2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Flatten())
                .add(new Dense(5))
                .build(3);
    }

    /** Passes of 50 are cut into sub-passes of 3 by its 48x48x16 first activation (147 KB per example). */
    private static Sequential largeImagesModel() {
        return Sequential.builder(48, 48, 2)
                .add(new Conv2D(16, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Conv2D(8, 3, 3).activation(Activation.RELU))
                .add(new Flatten())
                .add(new Dense(5))
                .build(4);
    }

    private static float[] images(Sequential model, int count) {
        SplittableRandom random = new SplittableRandom(9);
        float[] images = new float[count * Shapes.intSize(model.inputShape())];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble();
        }
        return images;
    }
}
