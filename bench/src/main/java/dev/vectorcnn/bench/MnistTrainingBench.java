package dev.vectorcnn.bench;

import dev.vectorcnn.examples.MnistNetwork;
import dev.vectorcnn.model.Adam;
import dev.vectorcnn.model.Sequential;
import dev.vectorcnn.model.TrainingListener;
import dev.vectorcnn.model.TrainingOptions;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The tutorial's MNIST network through the public model API: one training step on a batch of 100
 * (forward, softmax cross-entropy, backward, Adam) and inference on a batch of 1000. Inputs are
 * random pixels in [0, 1): the kernels' cost does not depend on the values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MnistTrainingBench {

    static final int TRAIN_BATCH = MnistNetwork.BATCH_SIZE;
    static final int INFERENCE_BATCH = 1000;
    private static final int PIXELS = 28 * 28;

    /** Kernel threads: 1, or every available processor ({@code 0}). */
    @Param({"1", "0"})
    public int threads;

    private Sequential network;
    private Adam optimizer;
    private TrainingOptions oneStep;
    private float[] trainImages;
    private int[] trainLabels;
    private float[] inferenceImages;

    /** Images processed by one operation of the named benchmark. */
    static double imagesPerOp(String operation) {
        return operation.equals("inference") ? INFERENCE_BATCH : TRAIN_BATCH;
    }

    @Setup
    public void setUp() {
        BenchThreads.apply(threads);
        SplittableRandom random = new SplittableRandom(11);
        network = MnistNetwork.build(42);
        optimizer = MnistNetwork.optimizer(MnistNetwork.LEARNING_RATE);
        oneStep = new TrainingOptions(TRAIN_BATCH, 1, 42);
        trainImages = pixels(random, TRAIN_BATCH);
        trainLabels = random.ints(TRAIN_BATCH, 0, 10).toArray();
        inferenceImages = pixels(random, INFERENCE_BATCH);
    }

    private static float[] pixels(SplittableRandom random, int images) {
        float[] values = new float[images * PIXELS];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }

    @Benchmark
    public Sequential vectorcnnTrainingStep() {
        network.fit(trainImages, trainLabels, oneStep, optimizer, TrainingListener.NONE);
        return network;
    }

    @Benchmark
    public float[] vectorcnnInference() {
        return network.predict(inferenceImages, INFERENCE_BATCH);
    }
}
