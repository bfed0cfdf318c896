package dev.vectorcnn.model;

/**
 * One pass of {@link Sequential#fit} over the data, reported to {@link TrainingListener#epochEnded}.
 *
 * @param epoch the epoch, from 1
 * @param loss the mean batch loss over the epoch, weighted by batch size
 * @param accuracy the fraction of training examples classified correctly (each before its update)
 * @param lastBatchAccuracy the accuracy on the epoch's last batch (what the TensorFlow tutorial prints)
 * @param examples the examples seen
 * @param seconds the wall time of the epoch, listener time excluded
 */
public record EpochResult(int epoch, double loss, double accuracy, double lastBatchAccuracy, int examples,
        double seconds) {

    /**
     * Training throughput of the epoch.
     *
     * @return {@code examples / seconds}, in examples per second
     */
    public double examplesPerSecond() {
        return examples / seconds;
    }
}
