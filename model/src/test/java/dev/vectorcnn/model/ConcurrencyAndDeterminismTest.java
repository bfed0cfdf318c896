package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorcnn.kernels.KernelThreads;
import dev.vectorcnn.kernels.Padding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference from several threads at once matches single-threaded inference, and training gives
 * bitwise identical weights whatever the kernel thread count.
 */
class ConcurrencyAndDeterminismTest {

    private static Sequential net(long seed) {
        // Enough output pixels and channels that the kernels split the work into several chunks.
        return Sequential.builder(10, 10, 3)
                .add(new Conv2D(8, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new Conv2D(16, 3, 3).strides(2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2).padding(Padding.SAME))
                .add(new Flatten())
                .add(new Dense(12, Activation.RELU))
                .add(new Dense(5))
                .build(seed);
    }

    private static float[] images(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[count * 300];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        return x;
    }

    private static int[] labels(int count) {
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = (i * 7) % 5;
        }
        return y;
    }

    /**
     * While fit runs, inference, a checkpoint save or a second fit or load from another thread fails instead
     * of reading half-updated weights; the training thread's own listener may still evaluate and save. The
     * other thread's calls are made from inside the listener, so they certainly overlap the fit.
     */
    @Test
    void inference_on_another_thread_during_fit_fails_and_the_training_thread_may_evaluate(@TempDir Path dir)
            throws Exception {
        Sequential model = net(1);
        Path saved = dir.resolve("before.safetensors");
        Checkpoint.save(saved, model);
        float[] x = images(16, 2);
        int[] y = labels(16);
        List<Throwable> refused = new ArrayList<>();
        List<Double> ownAccuracy = new ArrayList<>();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            model.fit(x, y, new TrainingOptions(8, 1, 0), new Adam(), new TrainingListener() {
                @Override
                public void batchEnded(BatchResult batch) {
                    ownAccuracy.add(model.evaluate(x, y, 8).accuracy());
                    try {
                        Checkpoint.save(dir.resolve("own-" + batch.batch() + ".safetensors"), model);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    List<Callable<Object>> calls = List.of(() -> model.predict(x, 4), () -> model.evaluate(x, y, 4),
                            () -> {
                                Checkpoint.save(dir.resolve("other.safetensors"), model);
                                return null;
                            },
                            () -> {
                                Checkpoint.save(dir.resolve("other-adam.safetensors"), model, new Adam());
                                return null;
                            },
                            () -> model.fit(x, y, new TrainingOptions(8, 1, 0), new Adam(), TrainingListener.NONE),
                            () -> {
                                Checkpoint.load(saved, model);
                                return null;
                            });
                    for (Callable<Object> call : calls) {
                        try {
                            other.submit(call).get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            refused.add(e.getCause());
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            });
        } finally {
            other.shutdown();
        }
        assertEquals(2, ownAccuracy.size(), "the training thread's own evaluations");
        List<String> messages = refused.stream().filter(e -> e instanceof IllegalStateException)
                .map(Throwable::getMessage).toList();
        assertEquals(12, messages.size(), refused.toString());
        for (String message : messages) {
            assertTrue(message.contains(" while fit runs on this model in thread "), message);
        }
        assertTrue(java.nio.file.Files.exists(dir.resolve("own-1.safetensors")), "the listener's own save");
        assertTrue(java.nio.file.Files.notExists(dir.resolve("other.safetensors")), "no save from the other thread");
        assertTrue(java.nio.file.Files.notExists(dir.resolve("other-adam.safetensors")), "no save from the other thread");
        float[] after = model.predict(x, 4);
        assertEquals(16 * 5, after.length, "inference works again once fit has returned");
    }

    @Test
    void concurrent_predict_and_evaluate_match_single_threaded_results() throws Exception {
        Sequential model = net(1);
        model.fit(images(32, 2), labels(32), new TrainingOptions(8, 1, 0), new Adam(), TrainingListener.NONE);
        float[] x = images(24, 3);
        int[] y = labels(24);
        float[] expected = model.predict(x, 5);
        Evaluation expectedEvaluation = model.evaluate(x, y, 7);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Object[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Object[]> task = () -> {
                    start.await();
                    Object[] out = new Object[6];
                    for (int round = 0; round < 3; round++) {
                        out[2 * round] = model.predict(x, 5);
                        out[2 * round + 1] = model.evaluate(x, y, 7);
                    }
                    return out;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Object[]> result : results) {
                Object[] out = result.get();
                for (int round = 0; round < 3; round++) {
                    assertArrayEquals(expected, (float[]) out[2 * round]);
                    assertEquals(expectedEvaluation, out[2 * round + 1]);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void training_is_bitwise_identical_for_one_and_two_kernel_threads() {
        assertSameForThreadCounts(16, 48, 1, 2);
    }

    /**
     * Batches of 100 train in two passes: side by side on 2 threads (one pass each), one after the other
     * on 1 thread, and on 3 threads one after the other with every kernel split three ways. All three must
     * give the same bits.
     */
    @Test
    void training_in_passes_is_bitwise_identical_whether_passes_run_side_by_side_or_not() {
        assertSameForThreadCounts(100, 250, 1, 2, 3);
    }

    /**
     * Batches of 120 train in three passes of 40 (one after another on 2 threads), the last batch of 99
     * in two of 49 and 50 (side by side), and batches of 200 in four passes, two rounds of two on 2 threads.
     */
    @Test
    void uneven_and_multi_round_passes_are_bitwise_identical_for_any_thread_count() {
        assertSameForThreadCounts(120, 219, 1, 2, 4);
        assertSameForThreadCounts(200, 430, 1, 2, 4);
    }

    private static void assertSameForThreadCounts(int batchSize, int examples, int... threadCounts) {
        int original = KernelThreads.threads();
        try {
            List<float[]> first = null;
            for (int threads : threadCounts) {
                KernelThreads.setThreads(threads);
                List<float[]> trained = train(batchSize, examples);
                if (first == null) {
                    first = trained;
                    continue;
                }
                for (int i = 0; i < first.size(); i++) {
                    assertArrayEquals(first.get(i), trained.get(i), "parameter " + i + ", " + threads + " threads");
                }
            }
        } finally {
            KernelThreads.setThreads(original);
        }
    }

    /** One epoch over {@code examples} examples in batches of {@code batchSize}. */
    private static List<float[]> train(int batchSize, int examples) {
        Sequential model = net(4);
        model.fit(images(examples, 5), labels(examples), new TrainingOptions(batchSize, 1, 6), new Adam(),
                TrainingListener.NONE);
        return model.parameters().stream().map(p -> p.values.clone()).toList();
    }
}
