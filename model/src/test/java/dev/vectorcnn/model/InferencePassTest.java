package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorcnn.kernels.KernelThreads;
import dev.vectorcnn.kernels.Padding;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Inference is cut into passes of at most {@link Sequential#MAX_INFERENCE_PASS} examples for speed;
 * the results must not depend on how the examples are grouped into passes, nor on whether the passes
 * run one after another or side by side on several threads.
 */
class InferencePassTest {

    @Test
    void predictions_and_evaluation_do_not_depend_on_the_pass_size() {
        Sequential model = model();
        int count = 2 * Sequential.MAX_INFERENCE_PASS + 30;
        float[] images = images(count);
        int[] labels = new SplittableRandom(10).ints(count, 0, 5).toArray();

        float[] reference = model.predict(images, count);
        Evaluation referenceEvaluation = model.evaluate(images, labels, count);
        for (int batchSize : new int[] {1, 7, Sequential.MAX_INFERENCE_PASS}) {
            assertArrayEquals(reference, model.predict(images, batchSize), "batchSize " + batchSize);
            Evaluation evaluation = model.evaluate(images, labels, batchSize);
            assertEquals(referenceEvaluation.accuracy(), evaluation.accuracy(), "batchSize " + batchSize);
        }
    }

    @Test
    void passes_side_by_side_give_bitwise_the_single_thread_results() {
        Sequential model = model();
        int count = 2 * Sequential.MAX_INFERENCE_PASS + 30;
        float[] images = images(count);
        int[] labels = new SplittableRandom(11).ints(count, 0, 5).toArray();
        int original = KernelThreads.threads();
        try {
            KernelThreads.setThreads(1);
            float[] reference = model.predict(images, 7);
            Evaluation referenceEvaluation = model.evaluate(images, labels, 7);
            // 33 passes of 7: enough for every thread count here to run whole passes side by side.
            for (int threads : new int[] {2, 3, 8}) {
                KernelThreads.setThreads(threads);
                assertArrayEquals(reference, model.predict(images, 7), threads + " threads");
                Evaluation evaluation = model.evaluate(images, labels, 7);
                assertEquals(referenceEvaluation.loss(), evaluation.loss(), 0, threads + " threads");
                assertEquals(referenceEvaluation.accuracy(), evaluation.accuracy(), 0, threads + " threads");
            }
        } finally {
            KernelThreads.setThreads(original);
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

    private static float[] images(int count) {
        SplittableRandom random = new SplittableRandom(9);
        float[] images = new float[count * 81];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble();
        }
        return images;
    }
}
