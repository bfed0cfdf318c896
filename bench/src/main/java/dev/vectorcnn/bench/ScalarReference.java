package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.KernelBackend;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The library's scalar reference as a baseline: the same public call as the {@code vectorcnn} method
 * beside it, in forks whose JVM selects the scalar path ({@link #FORK_ARGUMENT}). It is what a user gets
 * without {@code --add-modules jdk.incubator.vector}, and the code the convolution, pooling and
 * element-wise tests compare the vector kernels with (the GEMM's tests have an oracle of their own).
 * Only its GEMM (and so dense) uses the kernel threads. A run that sets {@code vectorcnn.species} for
 * its forks (an appended {@code -D}, or the launching JVM's own, which JMH passes on) overrides
 * {@link #FORK_ARGUMENT}: leave the scalar-reference benchmarks out of such a run.
 */
final class ScalarReference {

    /** The JVM argument of the scalar-reference forks (prepended, so that the command line's appended flags stay). */
    static final String FORK_ARGUMENT = "-D" + KernelBackend.SPECIES_PROPERTY + "=scalar";
    /** Method-name prefix of the scalar-reference benchmarks. */
    static final String PREFIX = "scalarReference";

    private ScalarReference() {
    }

    /**
     * Fails the trial when its fork runs the other path than its method's name says (a command line
     * that replaces the forks' prepended JVM arguments would otherwise time the vector path twice).
     */
    static void checkPath(BenchmarkParams params) {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        boolean wantsScalar = method.startsWith(PREFIX);
        if (wantsScalar == KernelBackend.isVectorized()) {
            String property = System.getProperty(KernelBackend.SPECIES_PROPERTY);
            throw new IllegalStateException(method + " runs on the " + KernelBackend.describe() + " path with -D"
                    + KernelBackend.SPECIES_PROPERTY + "=" + property + "; " + (wantsScalar
                    ? "its forks need " + FORK_ARGUMENT + ", which a later -D" + KernelBackend.SPECIES_PROPERTY
                            + " in the fork's JVM arguments overrides: leave scalarReference out of runs that set it"
                    : "it needs --add-modules jdk.incubator.vector and no " + FORK_ARGUMENT));
        }
    }
}
