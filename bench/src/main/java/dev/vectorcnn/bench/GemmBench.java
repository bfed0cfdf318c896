package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.Gemm;
import dev.vectorcnn.kernels.Transpose;
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
 * {@code C = A * B} for each {@link GemmShape}, on vectorcnn's GEMM and, in the same run, on EJML
 * (single-threaded or its concurrent variant to match {@code threads}) and on the library's scalar
 * reference ({@link ScalarReference}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBench {

    @Param({"SQUARE_256", "SQUARE_512", "SQUARE_1024", "MNIST_CONV1", "MNIST_CONV2", "MNIST_DENSE", "LAYER_56X56X64"})
    public GemmShape shape;

    /** Kernel threads: 1, or every available processor ({@code 0}). */
    @Param({"1", "0"})
    public int threads;

    private float[] a;
    private float[] b;
    private float[] c;
    private FMatrixRMaj ejmlA;
    private FMatrixRMaj ejmlB;
    private FMatrixRMaj ejmlC;

    @Setup
    public void setUp(BenchmarkParams params) {
        ScalarReference.checkPath(params);
        BenchThreads.apply(threads);
        SplittableRandom random = new SplittableRandom(42);
        a = BenchData.uniform(random, shape.m * shape.k);
        b = BenchData.uniform(random, shape.k * shape.n);
        c = new float[shape.m * shape.n];
        ejmlA = new FMatrixRMaj(shape.m, shape.k, true, a);
        ejmlB = new FMatrixRMaj(shape.k, shape.n, true, b);
        ejmlC = new FMatrixRMaj(shape.m, shape.n);
    }

    @Benchmark
    public float[] vectorcnn() {
        Gemm.multiply(Transpose.NO, Transpose.NO, shape.m, shape.n, shape.k, 1f, a, 0, shape.k, b, 0, shape.n,
                0f, c, 0, shape.n);
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        EjmlBaseline.multiply(threads, ejmlA, ejmlB, ejmlC);
        return ejmlC;
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReference() {
        return vectorcnn();
    }
}
