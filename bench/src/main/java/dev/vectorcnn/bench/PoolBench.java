package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.MaxPool2d;
import dev.vectorcnn.kernels.Padding;
import dev.vectorcnn.kernels.Pool2dShape;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The MNIST network's max pooling (2x2, stride 2, VALID on 100x14x14x64), forward and forward +
 * backward, beside the library's scalar reference ({@link ScalarReference}). The forward pass is
 * rated in bytes of input read per second, the forward + backward passes by their time per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PoolBench {

    static final Pool2dShape MNIST_POOL = new Pool2dShape(100, 14, 14, 64, 2, 2, 2, 2, Padding.VALID);

    /** Kernel threads: 1, or every available processor ({@code 0}). */
    @Param({"1", "0"})
    public int threads;

    private float[] input;
    private float[] output;
    private float[] outputGrad;
    private float[] inputGrad;
    private byte[] winners;

    static double inputBytes() {
        return (double) Float.BYTES * MNIST_POOL.inputLength();
    }

    @Setup
    public void setUp(BenchmarkParams params) {
        ScalarReference.checkPath(params);
        BenchThreads.apply(threads);
        SplittableRandom random = new SplittableRandom(3);
        input = BenchData.uniform(random, MNIST_POOL.inputLength());
        output = new float[MNIST_POOL.outputLength()];
        outputGrad = BenchData.uniform(random, MNIST_POOL.outputLength());
        inputGrad = new float[MNIST_POOL.inputLength()];
        winners = new byte[MNIST_POOL.outputLength()];
    }

    @Benchmark
    public float[] vectorcnnMaxPoolForward() {
        MaxPool2d.forward(MNIST_POOL, input, output);
        return output;
    }

    /** A training step's pooling: forward records each window's winner, backward reads it back. */
    @Benchmark
    public float[] vectorcnnMaxPoolForwardBackward() {
        MaxPool2d.forward(MNIST_POOL, input, output, winners);
        MaxPool2d.backward(MNIST_POOL, winners, outputGrad, inputGrad);
        return inputGrad;
    }

    /** The same without the winners: backward finds each window's maximum again in the input. */
    @Benchmark
    public float[] vectorcnnMaxPoolForwardBackwardRecomputed() {
        MaxPool2d.forward(MNIST_POOL, input, output);
        MaxPool2d.backward(MNIST_POOL, input, outputGrad, inputGrad);
        return inputGrad;
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceMaxPoolForward() {
        return vectorcnnMaxPoolForward();
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceMaxPoolForwardBackward() {
        return vectorcnnMaxPoolForwardBackward();
    }
}
