package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.Conv2d;
import dev.vectorcnn.kernels.Conv2dShape;
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
 * 2-D convolution forward, input gradient, filter gradient, and both gradients together, for each
 * {@link ConvLayer}; baselines in the same run: the library's scalar reference ({@link ScalarReference})
 * and explicit im2col + EJML GEMM, for each pass. (Baselines of the larger layers take seconds per call, EJML's
 * transposed product up to 40 s, so the both-gradients case has no baseline of its own: it is the
 * sum of the two single-gradient rows.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConvBench {

    @Param({"MNIST_CONV1", "MNIST_CONV2", "LAYER_56X56X64", "RESNET20_32X32X16", "PHOTO_LINE_FILTERS"})
    public ConvLayer layer;

    /** Kernel threads: 1, or every available processor ({@code 0}). */
    @Param({"1", "0"})
    public int threads;

    private Conv2dShape shape;
    private float[] input;
    private float[] filter;
    private float[] bias;
    private float[] output;
    private float[] outputGrad;
    private float[] inputGrad;
    private float[] filterGrad;
    private float[] biasGrad;
    private FMatrixRMaj patches;
    private FMatrixRMaj filterMatrix;
    private FMatrixRMaj outputMatrix;
    private FMatrixRMaj outputGradMatrix;
    private FMatrixRMaj patchGradMatrix;
    private FMatrixRMaj filterGradMatrix;

    @Setup
    public void setUp(BenchmarkParams params) {
        ScalarReference.checkPath(params);
        BenchThreads.apply(threads);
        shape = layer.shape;
        SplittableRandom random = new SplittableRandom(7);
        input = BenchData.uniform(random, shape.inputLength());
        filter = BenchData.uniform(random, shape.filterLength());
        bias = BenchData.uniform(random, shape.outChannels());
        output = new float[shape.outputLength()];
        outputGrad = BenchData.uniform(random, shape.outputLength());
        inputGrad = new float[shape.inputLength()];
        filterGrad = new float[shape.filterLength()];
        biasGrad = new float[shape.outChannels()];
        int pixels = shape.batch() * shape.outHeight() * shape.outWidth();
        int patch = shape.filterHeight() * shape.filterWidth() * shape.inChannels();
        patches = new FMatrixRMaj(pixels, patch);
        filterMatrix = new FMatrixRMaj(patch, shape.outChannels(), true, filter);
        outputMatrix = new FMatrixRMaj(pixels, shape.outChannels());
        outputGradMatrix = new FMatrixRMaj(pixels, shape.outChannels(), true, outputGrad);
        patchGradMatrix = new FMatrixRMaj(pixels, patch);
        filterGradMatrix = new FMatrixRMaj(patch, shape.outChannels());
    }

    @Benchmark
    public float[] vectorcnnForward() {
        Conv2d.forward(shape, input, filter, bias, true, output);
        return output;
    }

    @Benchmark
    public float[] vectorcnnBackwardInput() {
        Conv2d.backwardInput(shape, filter, outputGrad, inputGrad);
        return inputGrad;
    }

    @Benchmark
    public float[] vectorcnnBackwardFilter() {
        Conv2d.backwardFilter(shape, input, outputGrad, filterGrad, biasGrad);
        return filterGrad;
    }

    @Benchmark
    public float[] vectorcnnBackward() {
        Conv2d.backwardInput(shape, filter, outputGrad, inputGrad);
        Conv2d.backwardFilter(shape, input, outputGrad, filterGrad, biasGrad);
        return filterGrad;
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceForward() {
        Conv2d.forward(shape, input, filter, bias, true, output);
        return output;
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceBackwardInput() {
        Conv2d.backwardInput(shape, filter, outputGrad, inputGrad);
        return inputGrad;
    }

    @Benchmark
    @Fork(jvmArgsPrepend = ScalarReference.FORK_ARGUMENT)
    public float[] scalarReferenceBackwardFilter() {
        Conv2d.backwardFilter(shape, input, outputGrad, filterGrad, biasGrad);
        return filterGrad;
    }

    @Benchmark
    public FMatrixRMaj im2colEjmlForward() {
        Im2col.patches(shape, input, patches.data);
        EjmlBaseline.multiply(threads, patches, filterMatrix, outputMatrix);
        EjmlBaseline.biasRelu(outputMatrix.data, bias, shape.outChannels());
        return outputMatrix;
    }

    @Benchmark
    public float[] im2colEjmlBackwardInput() {
        EjmlBaseline.multiplyTransB(threads, outputGradMatrix, filterMatrix, patchGradMatrix);
        Im2col.scatter(shape, patchGradMatrix.data, inputGrad);
        return inputGrad;
    }

    @Benchmark
    public FMatrixRMaj im2colEjmlBackwardFilter() {
        Im2col.patches(shape, input, patches.data);
        EjmlBaseline.multiplyTransA(threads, patches, outputGradMatrix, filterGradMatrix);
        EjmlBaseline.columnSums(outputGrad, shape.outChannels(), biasGrad);
        return filterGradMatrix;
    }

}
