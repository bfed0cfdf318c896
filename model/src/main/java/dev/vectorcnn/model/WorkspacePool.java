package dev.vectorcnn.model;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Idle inference workspaces of one model. {@link Sequential#predict} and {@link Sequential#evaluate}
 * borrow one for the length of a call and give it back, so repeated calls reuse their buffers (a batch
 * of 1000 MNIST images needs about 160 MB of activations, and first-touching fresh memory costs a page
 * fault per 4 KiB on these machines: allocating per call cost more than the inference itself) while
 * any number of threads can run inference at once: a workspace is only ever held by one call.
 */
final class WorkspacePool {

    private final List<Layer> layers;
    private final int[][] shapes;
    /** At most one idle workspace per processor is kept; more concurrent callers allocate their own. */
    private final int maxIdle = Runtime.getRuntime().availableProcessors();
    private final ConcurrentLinkedQueue<Workspace> idle = new ConcurrentLinkedQueue<>();

    WorkspacePool(List<Layer> layers, int[][] shapes) {
        this.layers = layers;
        this.shapes = shapes;
    }

    /** A workspace for at least {@code capacity} examples that no other caller holds. */
    Workspace borrow(int capacity) {
        for (Workspace workspace : idle) {
            if (workspace.capacity >= capacity && idle.remove(workspace)) {
                return workspace;
            }
        }
        return new Workspace(layers, shapes, capacity, false);
    }

    /** Returns a borrowed workspace for later calls. */
    void giveBack(Workspace workspace) {
        if (idle.size() < maxIdle) {
            idle.add(workspace);
        }
    }
}
