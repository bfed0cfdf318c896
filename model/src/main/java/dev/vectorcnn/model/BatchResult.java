package dev.vectorcnn.model;

/**
 * One optimizer step of {@link Sequential#fit}, reported to {@link TrainingListener#batchEnded}.
 *
 * @param epoch the epoch, from 1
 * @param batch the batch within the epoch, from 1
 * @param batches the number of batches in the epoch
 * @param examples the examples in this batch
 * @param loss the mean softmax cross-entropy over the batch, before the update
 * @param accuracy the fraction of the batch classified correctly, before the update
 */
public record BatchResult(int epoch, int batch, int batches, int examples, double loss, double accuracy) {
}
