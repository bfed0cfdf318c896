package dev.vectorcnn.model;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Idle inference workspaces of one model. {@link Sequential#predict} and {@link Sequential#evaluate}
 * borrow one for the length of a call and give it back, so repeated calls reuse their buffers
 * (first-touching fresh memory costs a page fault per 4 KiB on these machines: when a call still
 * allocated its activations, about 160 MB for 1000 MNIST images in one pass, that cost more than the
 * inference itself) while any number of threads can run inference at once: a workspace is only ever
 * held by one call. Its passes are cut into the model's {@link LocalPasses}.
 */
final class WorkspacePool {

    private final List<Layer> layers;
    private final int[][] shapes;
    /** At most one idle workspace per processor is kept; more concurrent callers allocate their own. */
    private final int maxIdle = Runtime.getRuntime().availableProcessors();
    private final ConcurrentLinkedQueue<Workspace> idle = new ConcurrentLinkedQueue<>();

    private final LocalPasses localPasses;

    WorkspacePool(List<Layer> layers, int[][] shapes, LocalPasses localPasses) {
        this.layers = layers;
        this.shapes = shapes;
        this.localPasses = localPasses;
    }

    /**
     * A workspace for at least {@code capacity} examples that no other caller holds: the smallest idle one
     * that fits, so that small calls leave the large workspaces to large ones.
     */
    Workspace borrow(int capacity) {
        while (true) {
            Workspace best = null;
            for (Workspace workspace : idle) {
                if (workspace.capacity >= capacity && (best == null || workspace.capacity < best.capacity)) {
                    best = workspace;
                }
            }
            if (best == null) {
                return new Workspace(layers, shapes, capacity, localPasses);
            }
            if (idle.remove(best)) {
                return best;
            }
            // Another caller took it first: look again.
        }
    }

    /**
     * Returns a borrowed workspace for later calls. With the pool full it takes the place of a smaller
     * idle one: otherwise calls of one example at a time, on more threads than processors, could leave
     * only one-example workspaces idle, and every larger call would then allocate its own.
     */
    void giveBack(Workspace workspace) {
        if (idle.size() < maxIdle) {
            idle.add(workspace);
            return;
        }
        Workspace smallest = null;
        for (Workspace candidate : idle) {
            if (smallest == null || candidate.capacity < smallest.capacity) {
                smallest = candidate;
            }
        }
        if (smallest != null && smallest.capacity < workspace.capacity && idle.remove(smallest)) {
            idle.add(workspace);
        }
    }
}
