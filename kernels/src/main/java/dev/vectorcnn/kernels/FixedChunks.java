package dev.vectorcnn.kernels;

/**
 * Runs a loop over independent items ({@code [0, items)}) in chunks on {@link KernelThreads}, or
 * inline when the work is too small to pay for a fork.
 *
 * <p>Only for loops whose items do not interact: every item is computed by the same code wherever its
 * chunk runs, so the result is the same for any chunking and thread count. Reductions that combine
 * items use their own fixed chunking instead.
 */
final class FixedChunks {

    /**
     * Below this many element visits a call stays on the calling thread: handing a chunk to a parked
     * worker costs tens of microseconds, about the time of 10^5 simple element operations.
     */
    static final long PARALLEL_MIN_WORK = 1L << 17;

    /** Element visits per chunk: small enough to balance two to a few threads, large enough to amortise. */
    static final long CHUNK_WORK = 1L << 15;

    /** The body of a chunked loop: handles items {@code [start, end)}. */
    @FunctionalInterface
    interface Range {
        void run(int start, int end);
    }

    private FixedChunks() {
    }

    /** Runs {@code body} over {@code [0, items)}, each item costing about {@code workPerItem} element visits. */
    static void run(int items, long workPerItem, Range body) {
        long work = Math.max(1, workPerItem);
        if (items <= 1 || (long) items * work < PARALLEL_MIN_WORK || KernelThreads.threads() == 1) {
            body.run(0, items);
            return;
        }
        int perChunk = (int) Math.max(1, Math.min(items, CHUNK_WORK / work));
        // In long: near Integer.MAX_VALUE items the int sums overflow (and no chunk would run).
        int chunks = (int) (((long) items + perChunk - 1) / perChunk);
        KernelThreads.parallelFor(chunks, chunk -> body.run(chunk * perChunk,
                (int) Math.min(items, (long) (chunk + 1) * perChunk)));
    }
}
