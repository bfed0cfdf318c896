package dev.vectorcnn.model;

/**
 * The result of {@link Sequential#evaluate}.
 *
 * @param loss the mean softmax cross-entropy over all examples
 * @param accuracy the fraction of examples whose highest-scoring class is the label
 * @param examples the number of examples evaluated
 */
public record Evaluation(double loss, double accuracy, int examples) {
}
