package dev.vectorcnn.model;

/**
 * How {@link Sequential#fit} walks the data: {@code batchSize} examples per step, {@code epochs}
 * passes, and the seed of the per-epoch shuffle (same seed and data give the same weights).
 *
 * @param batchSize examples per optimizer step (the last batch of an epoch may be smaller)
 * @param epochs passes over the data
 * @param shuffleSeed seed of the order in which examples are visited
 */
public record TrainingOptions(int batchSize, int epochs, long shuffleSeed) {

    /** Checks that batch size and epochs are positive. */
    public TrainingOptions {
        LayerChecks.positive("batchSize", batchSize);
        LayerChecks.positive("epochs", epochs);
    }
}
