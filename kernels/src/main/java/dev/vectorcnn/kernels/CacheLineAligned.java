package dev.vectorcnn.kernels;

/**
 * Float arrays whose element {@link #FIRST} starts a 64-byte cache line, for the packed operand the
 * micro-kernels read four full vectors of per depth step (a packed filter, sub-filter or B panel).
 *
 * <p>Why: a 512-bit load that straddles two cache lines costs the load unit two accesses. Measured here
 * (JDK 25, 512-bit species), with one array and only the start index changed: the 6x4 micro-kernel on
 * L1-resident data ran 176-183 GFLOP/s with its packed operand on a line boundary against 159-170 at the
 * seven other 8-byte offsets; MNIST conv2's forward pass 175.8 against 161.4 ops/s and the 56x56x64
 * layer's 16.39 against 15.40 (JMH, 3 forks each). Left to chance, one fork in eight gets the fast
 * offset, which was also part of the spread between forks.
 *
 * <p>How: Java neither aligns arrays to cache lines nor exposes their addresses. G1, the default
 * collector, places an array of at least half a heap region (a "humongous" object) at the start of a
 * region, and regions are at least 1 MiB aligned; HotSpot's default object layout puts a float array's
 * first element 16 bytes after the array's start. So arrays from {@link #floats} are made at least
 * half a region long, and element 12 starts a cache line. Checked here by timing every even offset in
 * one JVM: element 12 was the fast one under G1 at heaps of 512 MiB to 12 GiB, and also under the
 * Parallel collector and ZGC; not under the Serial collector, nor with compact object headers (first
 * element 12 bytes in). There the arrays are simply not aligned: results never depend on where the
 * operand starts, only the speed does.
 *
 * <p>The cost is memory: each array has at least half a region, 512 KiB with the 1 MiB regions of a heap
 * up to 2 GiB, 2 MiB with the 4 MiB regions of a 6 GiB heap, and every thread that runs a convolution
 * or a GEMM holds two (the packed filter and GEMM's packed B) for as long as it lives. Where half a
 * region is above {@link #MAX_PADDED_BYTES} (heaps above 16 GiB), the arrays keep their own length
 * rather than take that much per thread, and are not aligned.
 */
final class CacheLineAligned {

    /** Bytes from a float array's start to its first element in HotSpot's default object layout. */
    private static final int ARRAY_BASE_BYTES = 16;

    private static final int LINE_BYTES = 64;

    /** Floats per cache line: what an operand that must start on a line is rounded up to. */
    static final int LINE_FLOATS = LINE_BYTES / Float.BYTES;

    /** The index of the first element that starts a cache line, when the array starts a G1 region. */
    static final int FIRST = (LINE_BYTES - ARRAY_BASE_BYTES) / Float.BYTES;

    /** The most bytes an array is padded to for alignment. */
    static final long MAX_PADDED_BYTES = 4L << 20;

    /** Floats from which an array is humongous in G1 (half a region), or 0 when that is too large to pay. */
    private static final int HUMONGOUS_FLOATS = humongousFloats(Runtime.getRuntime().maxMemory());

    private CacheLineAligned() {
    }

    /** A zeroed array of at least {@code FIRST + length} floats whose element {@link #FIRST} starts a cache line. */
    static float[] floats(int length) {
        return new float[lengthFor(length)];
    }

    /** The length of the array {@link #floats} returns for {@code length} usable floats. */
    static int lengthFor(int length) {
        return Math.max(Math.addExact(FIRST, length), HUMONGOUS_FLOATS);
    }

    /**
     * Half of the region size G1 chooses for a heap of at most {@code maxHeapBytes}: about 2048 regions,
     * a power of two from 1 to 32 MiB. Returns 0 when half a region exceeds {@link #MAX_PADDED_BYTES}.
     */
    static int humongousFloats(long maxHeapBytes) {
        long region = Long.highestOneBit(Math.max(1, maxHeapBytes / 2048 - 1)) << 1;
        region = Math.min(32L << 20, Math.max(1L << 20, region));
        long half = region / 2;
        return half > MAX_PADDED_BYTES ? 0 : (int) (half / Float.BYTES);
    }
}
