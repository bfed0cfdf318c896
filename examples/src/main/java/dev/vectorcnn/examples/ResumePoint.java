package dev.vectorcnn.examples;

import dev.vectorcnn.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run of {@link MnistExample} stopped, as its per-epoch checkpoints record it in their metadata:
 * the last epoch trained, the settings that fix the rest of the run (batch size, seed, learning rate),
 * and every epoch's figures so far, so that a resumed run's chart covers the whole run.
 *
 * @param file         the checkpoint this was read from
 * @param epoch        the last epoch the checkpoint's weights were trained through, from 1
 * @param batchSize    the {@code --batch-size} of the run (a step takes at most the whole training set)
 * @param seed         seed of the initial weights and of the shuffling
 * @param learningRate Adam's learning rate
 * @param history      the figures of epochs 1 to {@code epoch}, in order
 */
record ResumePoint(Path file, int epoch, int batchSize, long seed, float learningRate, List<EpochMetrics> history) {

    private static final String EPOCH = "mnist.epoch";
    private static final String BATCH_SIZE = "mnist.batch-size";
    private static final String SEED = "mnist.seed";
    private static final String LEARNING_RATE = "mnist.learning-rate";
    /** One line per epoch: epoch, loss, train and test accuracy, seconds, images/s, space-separated. */
    private static final String HISTORY = "mnist.history";

    ResumePoint {
        history = List.copyOf(history);
    }

    /** The metadata of the checkpoint written after {@code history}'s last epoch (every epoch so far, in order). */
    static Map<String, String> metadata(int batchSize, long seed, float learningRate, List<EpochMetrics> history) {
        StringBuilder lines = new StringBuilder();
        for (EpochMetrics m : history) {
            // Double.toString and Float.toString read back to the same value.
            lines.append(lines.isEmpty() ? "" : "\n").append(m.epoch()).append(' ').append(m.loss()).append(' ')
                    .append(m.trainAccuracy()).append(' ').append(m.testAccuracy()).append(' ').append(m.seconds())
                    .append(' ').append(m.imagesPerSecond());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(EPOCH, Integer.toString(history.getLast().epoch()));
        metadata.put(BATCH_SIZE, Integer.toString(batchSize));
        metadata.put(SEED, Long.toString(seed));
        metadata.put(LEARNING_RATE, Float.toString(learningRate));
        metadata.put(HISTORY, lines.toString());
        return metadata;
    }

    /**
     * Reads the resume point of a checkpoint that {@link MnistExample} wrote.
     *
     * @throws IOException naming the file when it cannot be read, is not a valid checkpoint, or lacks or
     *                     garbles the example's metadata (a checkpoint saved by other code)
     */
    static ResumePoint read(Path file) throws IOException {
        Map<String, String> metadata = Checkpoint.metadata(file);
        try {
            int epoch = (int) integer(metadata, EPOCH, Integer.MAX_VALUE);
            int batchSize = (int) integer(metadata, BATCH_SIZE, Integer.MAX_VALUE);
            long seed = integer(metadata, SEED, Long.MAX_VALUE);
            float learningRate;
            try {
                learningRate = Float.parseFloat(required(metadata, LEARNING_RATE));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(LEARNING_RATE + " '" + metadata.get(LEARNING_RATE)
                        + "' is not a number");
            }
            List<EpochMetrics> history = new ArrayList<>();
            for (String line : required(metadata, HISTORY).split("\n")) {
                String[] f = line.split(" ");
                if (f.length != 6) {
                    throw new IllegalArgumentException(HISTORY + " line '" + line + "' is not 6 numbers");
                }
                try {
                    history.add(new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                            Double.parseDouble(f[5])));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(HISTORY + " line '" + line + "' is not 6 numbers");
                }
            }
            if (epoch < 1 || batchSize < 1 || !(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "epoch %d, batch size %d or learning rate %s is out of range", epoch, batchSize, learningRate));
            }
            for (int i = 0; i < Math.max(epoch, history.size()); i++) {
                if (i >= history.size() || i >= epoch || history.get(i).epoch() != i + 1) {
                    throw new IllegalArgumentException(HISTORY + " does not list epochs 1 to " + epoch);
                }
            }
            return new ResumePoint(file, epoch, batchSize, seed, learningRate, history);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a checkpoint of MnistExample that can be resumed: " + e.getMessage());
        }
    }

    private static long integer(Map<String, String> metadata, String key, long max) {
        String value = required(metadata, key);
        try {
            long parsed = Long.parseLong(value);
            if (parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, as a value out of range is
        }
        throw new IllegalArgumentException(key + " '" + value + "' is not an integer up to " + max);
    }

    private static String required(Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new IllegalArgumentException("it has no " + key + " metadata");
        }
        return value;
    }
}
