package dev.vectorcnn.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The machine's single-precision FMA throughput through the Vector API: the ceiling every kernel's
 * GFLOP/s is divided by in the report. 16 independent accumulators hide the FMA latency (at least 8
 * are needed on two ports with a 4-cycle latency); nothing touches memory inside the loop.
 * One operation = {@link #FMAS_PER_OP} vector FMAs of the preferred species.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FmaPeakBench {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 4096;
    static final int ACCUMULATORS = 16;
    static final long FMAS_PER_OP = (long) ITERATIONS * ACCUMULATORS;

    /** Floating-point operations in one benchmark operation: 2 per lane per FMA. */
    static double flopsPerOp() {
        return 2.0 * FMAS_PER_OP * SPECIES.length();
    }

    float multiplier = 0.999f;
    float addend = 1e-3f;

    @Benchmark
    @Threads(1)
    public float oneThread() {
        return fmaLoop(multiplier, addend);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public float allThreads() {
        return fmaLoop(multiplier, addend);
    }

    private static float fmaLoop(float multiplier, float addend) {
        FloatVector m = FloatVector.broadcast(SPECIES, multiplier);
        FloatVector c = FloatVector.broadcast(SPECIES, addend);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
                a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }
}
