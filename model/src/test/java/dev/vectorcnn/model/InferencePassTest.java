package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorcnn.kernels.Padding;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Inference is cut into passes of at most {@link Sequential#MAX_INFERENCE_PASS} examples for speed;
 * the results must not depend on how the examples are grouped into passes.
 */
class InferencePassTest {

    @Test
    void predictions_and_evaluation_do_not_depend_on_the_pass_size() {
        Sequential model = Sequential.builder(9, 9, 1)
                .add(new Conv2D(8, 3, 3).strides(2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Flatten())
                .add(new Dense(5))
                .build(3);
        int count = 2 * Sequential.MAX_INFERENCE_PASS + 30;
        SplittableRandom random = new SplittableRandom(9);
        float[] images = new float[count * 81];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble();
        }
        int[] labels = random.ints(count, 0, 5).toArray();

        float[] reference = model.predict(images, count);
        Evaluation referenceEvaluation = model.evaluate(images, labels, count);
        for (int batchSize : new int[] {1, 7, Sequential.MAX_INFERENCE_PASS}) {
            assertArrayEquals(reference, model.predict(images, batchSize), "batchSize " + batchSize);
            Evaluation evaluation = model.evaluate(images, labels, batchSize);
            assertEquals(referenceEvaluation.accuracy(), evaluation.accuracy(), "batchSize " + batchSize);
        }
    }
}
