package dev.vectorcnn.model;

/**
 * Receives progress from {@link Sequential#fit}, on the training thread, between steps (so it may
 * call {@link Sequential#evaluate} or save a checkpoint). Both methods do nothing by default.
 */
public interface TrainingListener {

    /** A listener that ignores every event. */
    TrainingListener NONE = new TrainingListener() { };

    /**
     * Called after every optimizer step.
     *
     * @param batch the step's position in the epoch, its loss and accuracy
     */
    default void batchEnded(BatchResult batch) {
    }

    /**
     * Called after every epoch.
     *
     * @param epoch the epoch's mean loss, accuracies, example count and wall time
     */
    default void epochEnded(EpochResult epoch) {
    }
}
