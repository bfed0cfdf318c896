package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.Dense;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
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
 * The MNIST network's first dense layer (3136 -> 64, ReLU, batch 100), forward and backward, beside the
 * library's scalar reference ({@link ScalarReference}) and, forward, EJML.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DenseBench {

    static final int BATCH = 100;
    static final int IN = 3136;
    static final int OUT = 64;

    /** Kernel threads: 1, or every available processor ({@code 0}). */
    @Param({"1", "0"})
    public int threads;

    private float[] input;
    private float[] weights;
    private float[] bias;
    private float[] output;
    private float[] outputGrad;
    private float[] inputGrad;
    private float[] weightGrad;
    private float[] biasGrad;
    private FMatrixRMaj ejmlInput;
    private FMatrixRMaj ejmlWeights;
    private FMatrixRMaj ejmlOutput;

    /** One pass: 2 x batch x in x out. Backward is two passes (input and weight gradients). */
    static double flopsPerPass() {
        return 2.0 * BATCH * IN * OUT;
    }

    @Setup
    public void setUp(BenchmarkParams params) {
        ScalarReference.checkPath(params);
        BenchThreads.apply(threads);
        SplittableRandom random = new SplittableRandom(5);
        input = BenchData.uniform(random, BATCH * IN);
        weights = BenchData.uniform(random, IN * OUT);
        bias = BenchData.uniform(random, OUT);
        output = new float[BATCH * OUT];
        outputGrad = BenchData.uniform(random, BATCH * OUT);
        inputGrad = new float[BATCH * IN];
        weightGrad = new float[IN * OUT];
        biasGrad = new float[OUT];
        ejmlInput = new FMatrixRMaj(BATCH, IN, true, input);
        ejmlWeights = new FMatrixRMaj(IN, OUT, true, weights);
        ejmlOutput = new FMatrixRMaj(BATCH, OUT);
    }

    @Benchmark
    public float[] vectorcnnForward() {
        Dense.forward(BATCH, IN, OUT, input, weights, bias, true, output);
        return output;
    }

    @Benchmark
    public float[] vectorcnnBackward() {
        Dense.backward(BATCH, IN, OUT, input, weights, outputGrad, inputGrad, weightGrad, biasGrad);
        return weightGrad;
    }

    @Benchmark
    public FMatrixRMaj ejmlForward() {
        EjmlBaseline.multiply(threads, ejmlInput, ejmlWeights, ejmlOutput);
        EjmlBaseline.biasRelu(ejmlOutput.data, bias, OUT);
        return ejmlOutput;
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceForward() {
        return vectorcnnForward();
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceBackward() {
        return vectorcnnBackward();
    }
}
