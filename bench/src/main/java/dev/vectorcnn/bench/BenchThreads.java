package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.KernelThreads;

/** The {@code threads} benchmark parameter: a count, or 0 for every available processor. */
final class BenchThreads {

    private BenchThreads() {
    }

    static int count(int threads) {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    static void apply(int threads) {
        KernelThreads.setThreads(count(threads));
    }
}
