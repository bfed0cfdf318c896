package dev.vectorcnn.model;

/**
 * How {@link Sequential#fit} walks the data: {@code batchSize} examples per step, epochs up to
 * {@code epochs}, and the seed of the per-epoch shuffle (same seed and data give the same weights).
 *
 * <p>{@code initialEpoch} resumes an interrupted run, as Keras's {@code initial_epoch} does: fit then
 * trains epochs {@code initialEpoch + 1} to {@code epochs} only, each visiting the examples in the
 * order it would have had in an uninterrupted run. With the weights and optimizer state saved after
 * epoch {@code initialEpoch} (see {@link Checkpoint}) and the same data, the resumed run ends with
 * bitwise the weights the uninterrupted one would have on the same kind of machine (results do not
 * depend on the thread count, but do on the vector width: see the kernels).
 *
 * <p>An epoch's last batch holds what remains after whole batches, so it may be smaller, as in Keras's
 * {@code fit}; the tutorial's {@code shuffle_batch} ({@code np.array_split} into {@code count / batchSize}
 * batches) spreads the remainder over the batches instead. The two agree whenever the batch size
 * divides the example count, as 100 divides MNIST's 60,000.
 *
 * @param batchSize    examples per optimizer step (the last batch of an epoch may be smaller)
 * @param epochs       the epoch training ends after, counted from 1
 * @param shuffleSeed  seed of the order in which examples are visited
 * @param initialEpoch epochs already trained, from 0 (a fresh run) to {@code epochs - 1}
 */
public record TrainingOptions(int batchSize, int epochs, long shuffleSeed, int initialEpoch) {

    /**
     * Checks that batch size and epochs are positive and that {@code initialEpoch} leaves an epoch to train.
     *
     * @throws IllegalArgumentException naming the value out of range
     */
    public TrainingOptions {
        LayerChecks.positive("batchSize", batchSize);
        LayerChecks.positive("epochs", epochs);
        if (initialEpoch < 0 || initialEpoch >= epochs) {
            throw new IllegalArgumentException("initialEpoch must be from 0 to epochs - 1 = " + (epochs - 1)
                    + ", got " + initialEpoch);
        }
    }

    /**
     * A fresh run: {@code initialEpoch} 0.
     *
     * @param batchSize   examples per optimizer step (the last batch of an epoch may be smaller)
     * @param epochs      passes over the data
     * @param shuffleSeed seed of the order in which examples are visited
     * @throws IllegalArgumentException if {@code batchSize} or {@code epochs} is not positive
     */
    public TrainingOptions(int batchSize, int epochs, long shuffleSeed) {
        this(batchSize, epochs, shuffleSeed, 0);
    }
}
