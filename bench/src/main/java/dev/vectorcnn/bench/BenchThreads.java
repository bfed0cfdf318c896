package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.KernelThreads;
import org.ejml.concurrency.EjmlConcurrency;

/** The {@code threads} benchmark parameter: a count, or 0 for every available processor. */
final class BenchThreads {

    private BenchThreads() {
    }

    static int count(int threads) {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /**
     * Sizes vectorcnn's kernel pool and bounds EJML's concurrent operations to the same count (EJML
     * otherwise uses every processor), so that the two run on as many threads each.
     */
    static void apply(int threads) {
        int count = count(threads);
        KernelThreads.setThreads(count);
        EjmlConcurrency.setMaxThreads(count);
    }
}
