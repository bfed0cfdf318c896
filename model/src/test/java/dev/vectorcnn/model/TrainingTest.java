package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorcnn.kernels.KernelThreads;
import dev.vectorcnn.kernels.Padding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training end to end on small synthetic problems whose answer is known. */
class TrainingTest {

    /**
     * 6x6 images with one bright 2x2 square in one of four quadrants (plus noise); the label is the
     * quadrant. A conv net must fit this to near-zero loss.
     */
    static final class Quadrants {
        final float[] images;
        final int[] labels;

        Quadrants(int count, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            images = new float[count * 36];
            labels = new int[count];
            for (int n = 0; n < count; n++) {
                int quadrant = random.nextInt(4);
                labels[n] = quadrant;
                for (int i = 0; i < 36; i++) {
                    images[n * 36 + i] = (float) (0.1 * random.nextDouble());
                }
                int top = (quadrant / 2) * 3 + random.nextInt(2);
                int left = (quadrant % 2) * 3 + random.nextInt(2);
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        images[n * 36 + (top + dy) * 6 + left + dx] = 1f;
                    }
                }
            }
        }
    }

    static Sequential smallConvNet(long seed) {
        return Sequential.builder(6, 6, 1)
                .add(new Conv2D(4, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Flatten())
                .add(new Dense(8, Activation.RELU))
                .add(new Dense(4))
                .build(seed);
    }

    /** "Train until the listener says stop": as many epochs as an int holds, stopped after the second. */
    @Test
    void a_run_of_integer_max_value_epochs_stops_when_its_listener_throws() {
        Quadrants data = new Quadrants(16, 1);
        Sequential model = smallConvNet(2);
        RuntimeException stop = new RuntimeException("enough");
        List<Integer> ended = new ArrayList<>();
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> model.fit(data.images, data.labels,
                new TrainingOptions(8, Integer.MAX_VALUE, 3), new Adam(), new TrainingListener() {
                    @Override
                    public void epochEnded(EpochResult epoch) {
                        ended.add(epoch.epoch());
                        if (epoch.epoch() == 2) {
                            throw stop;
                        }
                    }
                }));
        assertSame(stop, thrown);
        assertEquals(List.of(1, 2), ended);
    }

    /**
     * On 2 threads, 224 examples in batches of 128 run as 3 passes of about 43 (one after another, in one
     * slot) and then 2 passes of 48 (side by side, in two slots): the slots the second batch needed must
     * survive the next epoch's first batch instead of being allocated again every epoch.
     */
    @Test
    void training_keeps_its_pass_buffers_when_the_batches_need_fewer() {
        int original = KernelThreads.threads();
        try {
            KernelThreads.setThreads(2);
            Quadrants data = new Quadrants(224, 4);
            Sequential model = smallConvNet(5);
            Adam adam = new Adam(0.01f);
            model.fit(data.images, data.labels, new TrainingOptions(128, 1, 6), adam, TrainingListener.NONE);
            TrainingPass[] afterFirst = model.trainingPasses();
            assertEquals(2, afterFirst.length);
            model.fit(data.images, data.labels, new TrainingOptions(128, 2, 6), adam, TrainingListener.NONE);
            assertSame(afterFirst, model.trainingPasses());
        } finally {
            KernelThreads.setThreads(original);
        }
    }

    /**
     * A layer whose output for a pass of 50 examples is more than one Java array holds (100x100x4300
     * floats each) is refused by name with the sizes, before any buffer of that size is touched.
     */
    @Test
    void a_pass_larger_than_one_array_is_refused_naming_the_layer_and_sizes() {
        Sequential model = Sequential.builder(100, 100, 1).add(new Conv2D(4300, 3, 3).padding(Padding.SAME))
                .add(new MaxPool2D(100, 100)).add(new Flatten()).add(new Dense(2)).build(1);
        float[] images = new float[50 * 100 * 100];
        int[] labels = new int[50];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.fit(images, labels,
                new TrainingOptions(50, 1, 2), new Adam(), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("layer 0's output [100, 100, 4300]") && e.getMessage().contains("50 examples")
                && e.getMessage().contains("2150000000") && e.getMessage().contains("a batchSize below 50"), e.getMessage());
    }

    /**
     * A batch of every example (so the shuffle cannot change what it holds) reports the loss and accuracy
     * that evaluate, a different code path, finds for the same initial parameters.
     */
    @Test
    void a_batch_reports_the_loss_and_accuracy_of_the_parameters_it_started_from() {
        Quadrants data = new Quadrants(64, 1);
        Evaluation initial = smallConvNet(2).evaluate(data.images, data.labels, 64);
        List<BatchResult> batches = new ArrayList<>();
        smallConvNet(2).fit(data.images, data.labels, new TrainingOptions(64, 1, 3), new Adam(0.01f),
                new TrainingListener() {
                    @Override
                    public void batchEnded(BatchResult batch) {
                        batches.add(batch);
                    }
                });
        assertEquals(1, batches.size());
        // The two paths sum the 64 float losses in different orders.
        assertEquals(initial.loss(), batches.get(0).loss(), 64 * Math.ulp((float) initial.loss()));
        assertEquals(initial.accuracy(), batches.get(0).accuracy());
    }

    @Test
    void adam_fits_a_small_synthetic_problem_to_near_zero_loss() {
        Quadrants data = new Quadrants(64, 1);
        Sequential model = smallConvNet(2);
        List<BatchResult> batches = new ArrayList<>();
        List<EpochResult> epochs = model.fit(data.images, data.labels, new TrainingOptions(16, 60, 3),
                new Adam(0.01f), new TrainingListener() {
                    @Override
                    public void batchEnded(BatchResult batch) {
                        batches.add(batch);
                    }
                });
        assertEquals(60, epochs.size());
        assertEquals(60 * 4, batches.size());
        BatchResult fourth = batches.get(3);
        assertEquals(List.of(1, 4, 4, 16), List.of(fourth.epoch(), fourth.batch(), fourth.batches(), fourth.examples()));
        Evaluation evaluation = model.evaluate(data.images, data.labels, 10);
        assertTrue(evaluation.loss() < 0.02, "loss after training " + evaluation.loss());
        assertEquals(1.0, evaluation.accuracy());
        assertTrue(epochs.get(59).loss() < epochs.get(0).loss() / 20, epochs.get(0) + " -> " + epochs.get(59));
        Quadrants unseen = new Quadrants(32, 99);
        assertTrue(model.evaluate(unseen.images, unseen.labels, 32).accuracy() >= 0.9);
    }

    @Test
    void sgd_and_momentum_reduce_the_loss() {
        Quadrants data = new Quadrants(64, 1);
        for (Optimizer optimizer : List.of(new SGD(0.1f), new Momentum(0.05f, 0.9f))) {
            Sequential model = smallConvNet(2);
            double before = model.evaluate(data.images, data.labels, 64).loss();
            model.fit(data.images, data.labels, new TrainingOptions(16, 30, 3), optimizer, TrainingListener.NONE);
            double after = model.evaluate(data.images, data.labels, 64).loss();
            assertTrue(after < before / 4, optimizer + ": loss " + before + " -> " + after);
            assertEquals(30 * 4, optimizer.iterations());
        }
    }

    /**
     * TensorFlow's Adam first step: {@code m = 0.1 g}, {@code v = 0.001 g^2}, step size
     * {@code lr * sqrt(1 - 0.999) / (1 - 0.9)}, so the update is
     * {@code -lr * g / (|g| + eps / sqrt(0.001))}: lr in the direction of -g, shortened by epsilon.
     */
    @Test
    void adam_first_step_moves_each_parameter_by_the_learning_rate() {
        Quadrants data = new Quadrants(8, 1);
        Sequential model = smallConvNet(2);
        float[] before = model.parameters().get(0).values.clone();
        float[][] grads = model.gradients(data.images, data.labels, new float[1]);
        float[] gradient = grads[0].clone();
        model.fit(data.images, data.labels, new TrainingOptions(8, 1, 0), new Adam(0.01f), TrainingListener.NONE);
        float[] after = model.parameters().get(0).values;
        double epsilonHat = Adam.DEFAULT_EPSILON / Math.sqrt(1 - 0.999);
        for (int i = 0; i < before.length; i++) {
            double expected = -0.01 * gradient[i] / (Math.abs(gradient[i]) + epsilonHat);
            // float parameters of magnitude < 1 round the result by at most 6e-8; gradients and moments
            // in float add relative errors of ~1e-6 to a step of at most 0.01.
            assertEquals(expected, after[i] - before[i], 1e-7, "element " + i);
        }
    }

    /**
     * The optimizer keeps TF1's beta powers from step to step, the same for every parameter of a step,
     * and works them out again after a restore jumps the step count; either way each step must give
     * the bits of the kernel's step-count form. Parameters start at zero so that they carry the
     * update's bits, and with them alpha's.
     */
    @Test
    void adam_steps_use_the_beta_powers_of_their_step_count() {
        SplittableRandom random = new SplittableRandom(17);
        List<Parameter> parameters = List.of(new Parameter("0.dense.kernel", new int[] {19}),
                new Parameter("0.dense.bias", new int[] {5}));
        float[][] grads = new float[2][];
        float[][] expected = new float[2][], m = new float[2][], v = new float[2][];
        for (int p = 0; p < 2; p++) {
            int n = parameters.get(p).size();
            grads[p] = new float[n];
            for (int i = 0; i < n; i++) {
                grads[p][i] = (float) random.nextDouble(-1, 1);
            }
            expected[p] = new float[n];
            m[p] = new float[n];
            v[p] = new float[n];
        }
        Adam adam = new Adam();
        for (long step = 1; step <= 40; step++) {
            long kernelStep = step;
            if (step > 30) {
                // From step 31 on, the state of step 30 restored as if it were step 7's: steps 8 to 17 follow.
                kernelStep = step - 23;
                if (step == 31) {
                    adam.restore(java.util.Map.of(parameters.get(0).name(), new float[][] {m[0].clone(), v[0].clone()},
                            parameters.get(1).name(), new float[][] {m[1].clone(), v[1].clone()}), 7);
                }
            }
            adam.apply(parameters, grads);
            for (int p = 0; p < 2; p++) {
                float[] values = parameters.get(p).values;
                dev.vectorcnn.kernels.Adam.update(expected[p], grads[p], m[p], v[p], values.length, kernelStep,
                        Adam.DEFAULT_LEARNING_RATE, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
                for (int i = 0; i < values.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[p][i]), Float.floatToRawIntBits(values[i]),
                            parameters.get(p).name() + " element " + i + " at step " + step);
                }
            }
        }
    }

    @Test
    void an_optimizer_refuses_a_step_past_the_largest_count_and_changes_nothing() {
        Parameter parameter = new Parameter("0.dense.bias", new int[] {3});
        float[][] grads = {{0.5f, -0.5f, 1f}};
        Adam adam = new Adam();
        adam.restore(java.util.Map.of(parameter.name(), new float[][] {new float[3], new float[3]}), Long.MAX_VALUE - 1);
        adam.apply(List.of(parameter), grads);
        assertEquals(Long.MAX_VALUE, adam.iterations());
        float[] before = parameter.values.clone();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> adam.apply(List.of(parameter), grads));
        assertEquals("the optimizer has applied 9223372036854775807 updates, the most it counts", e.getMessage());
        assertArrayEquals(before, parameter.values);
        assertEquals(Long.MAX_VALUE, adam.iterations());
    }

    @Test
    void last_partial_batch_is_trained_and_counted() {
        Quadrants data = new Quadrants(10, 1);
        Sequential model = smallConvNet(2);
        List<BatchResult> batches = new ArrayList<>();
        model.fit(data.images, data.labels, new TrainingOptions(4, 1, 0), new SGD(0.01f), new TrainingListener() {
            @Override
            public void batchEnded(BatchResult batch) {
                batches.add(batch);
            }
        });
        assertEquals(List.of(4, 4, 2), batches.stream().map(BatchResult::examples).toList());
    }

    @Test
    void same_seeds_give_the_same_weights_and_other_shuffle_seeds_do_not() {
        Quadrants data = new Quadrants(32, 1);
        float[] a = trainedKernel(data, 3);
        assertArrayEquals(a, trainedKernel(data, 3));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(trainedKernel(data, 4)));
    }

    private static float[] trainedKernel(Quadrants data, long shuffleSeed) {
        Sequential model = smallConvNet(2);
        model.fit(data.images, data.labels, new TrainingOptions(8, 2, shuffleSeed), new Adam(), TrainingListener.NONE);
        return model.parameters().get(0).values.clone();
    }

    @Test
    void predict_gives_probabilities_whether_or_not_the_model_ends_in_softmax() {
        Quadrants data = new Quadrants(5, 1);
        Sequential logits = smallConvNet(2);
        Sequential withSoftmax = Sequential.builder(6, 6, 1)
                .add(new Conv2D(4, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2))
                .add(new Flatten())
                .add(new Dense(8, Activation.RELU))
                .add(new Dense(4))
                .add(new Softmax())
                .build(2);
        float[] p = logits.predict(data.images, 2);
        assertArrayEquals(p, withSoftmax.predict(data.images, 3));
        for (int n = 0; n < 5; n++) {
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                assertTrue(p[n * 4 + k] > 0 && p[n * 4 + k] < 1);
                sum += p[n * 4 + k];
            }
            assertEquals(1.0, sum, 1e-6);
        }
        Tensor tensor = logits.predict(new Tensor(data.images, 5, 6, 6, 1), 4);
        assertArrayEquals(new int[] {5, 4}, tensor.shape());
        assertArrayEquals(p, tensor.data());
    }

    @Test
    void bad_data_is_rejected_before_training() {
        Sequential model = smallConvNet(2);
        Optimizer adam = new Adam();
        TrainingOptions options = new TrainingOptions(4, 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.fit(new float[36 * 2 + 1], new int[2], options, adam, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("73"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.fit(new float[36 * 2], new int[3], options, adam, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("2 examples but labels has 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.fit(new float[36 * 2], new int[] {0, 4}, options, adam, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("labels[1] = 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(-1f));
        assertEquals(0, adam.iterations());
    }
    /**
     * The training buffers are resized when a batch needs more passes, other pass sizes or another number of
     * passes at once: the gradients must not depend on what ran before. A model that computed gradients for
     * 101, 30 and again 101 examples, on 1 and 2 threads, must agree bitwise with fresh models.
     */
    @Test
    void gradients_do_not_depend_on_the_batches_computed_before() {
        int original = KernelThreads.threads();
        try {
            float[] images = new float[101 * 12];
            SplittableRandom random = new SplittableRandom(8);
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) (random.nextDouble() * 2 - 1);
            }
            int[] labels = new int[101];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 3;
            }
            float[] smallImages = Arrays.copyOf(images, 30 * 12);
            int[] smallLabels = Arrays.copyOf(labels, 30);
            Sequential reused = smallNet();
            float[] loss = new float[1];
            for (int threads : new int[] {1, 2}) {
                KernelThreads.setThreads(threads);
                float[][] large = copy(reused.gradients(images, labels, loss));
                float[][] small = copy(reused.gradients(smallImages, smallLabels, loss));
                float[][] largeAgain = copy(reused.gradients(images, labels, loss));
                // Deep equality: each parameter's floats compared bit for bit (Float.floatToIntBits).
                assertArrayEquals(copy(smallNet().gradients(images, labels, loss)), large, threads + " threads, 101");
                assertArrayEquals(copy(smallNet().gradients(smallImages, smallLabels, loss)), small,
                        threads + " threads, 30");
                assertArrayEquals(large, largeAgain, threads + " threads, 101 after 30");
            }
        } finally {
            KernelThreads.setThreads(original);
        }
    }

    private static Sequential smallNet() {
        return Sequential.builder(2, 2, 3)
                .add(new Conv2D(4, 2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new Flatten())
                .add(new Dense(3))
                .build(5);
    }

    /** The gradients a call returned, before the next call overwrites them. */
    private static float[][] copy(float[][] arrays) {
        return Arrays.stream(arrays).map(float[]::clone).toArray(float[][]::new);
    }
}
