package dev.vectorcnn.model;

import java.util.List;

/**
 * How inference runs a model's leading image layers: in sub-passes of {@link #capacity} examples over
 * buffers of their own, small enough to stay in the core's L2 cache, and only the last of those layers'
 * outputs is gathered into the pass's buffer for the layers after them.
 *
 * <p>Inference keeps no activation for a backward pass, so conv1's output, say, only has to live until
 * conv2 has read it. In passes of 50 MNIST images the two convolutions write 5 MB and 2.5 MB to fresh
 * memory and read them back; in sub-passes of 5 the same buffers of 500 KB and 250 KB are written over
 * and over and stay in L2. The dense layers keep the whole pass, since their GEMM packs the weights once
 * per call (800 KB for the MNIST network's first dense layer), which sub-passes would repeat ten times.
 *
 * <p>The budget: the largest activation of one sub-pass is at most {@link #BUDGET_BYTES}. The MNIST
 * network's inference (JMH, 1000 images, 3 interleaved rounds, means): 1 thread 15.5 passes/s without
 * sub-passes, 16.7 with a budget of 256 KiB (sub-passes of 2), 17.1 with 512 KiB (5), 16.6 with 1 MiB
 * (10); 2 threads 30.3, 32.1, 32.7 and 31.6. Each example's result does not depend on how the examples
 * are grouped, so the sub-passes change no result.
 *
 * @param layers   how many leading layers run in sub-passes: those before the first {@link Dense} layer
 *                 and before the logits; 0 for none
 * @param capacity the most examples per sub-pass
 */
record LocalPasses(int layers, int capacity) {

    static final int BUDGET_BYTES = 512 * 1024;

    /** The sub-passes for layers with {@code shapes} (per-example inputs, then the output) whose logits are {@code activations[logitsIndex]}. */
    static LocalPasses of(List<Layer> layers, int[][] shapes, int logitsIndex) {
        int leading = 0;
        while (leading < logitsIndex && !(layers.get(leading) instanceof Dense)) {
            leading++;
        }
        long largest = 1;
        for (int i = 0; i <= leading; i++) {
            largest = Math.max(largest, (long) Float.BYTES * Shapes.intSize(shapes[i]));
        }
        return new LocalPasses(leading, (int) Math.max(1, BUDGET_BYTES / largest));
    }

    /** Whether passes of {@code passCapacity} examples are cut into sub-passes at all. */
    boolean cut(int passCapacity) {
        return layers > 0 && capacity < passCapacity;
    }
}
