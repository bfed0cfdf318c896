package dev.vectorcnn.examples;

import dev.vectorcnn.kernels.KernelBackend;
import dev.vectorcnn.kernels.KernelThreads;
import dev.vectorcnn.model.Adam;
import dev.vectorcnn.model.BatchResult;
import dev.vectorcnn.model.Checkpoint;
import dev.vectorcnn.model.EpochResult;
import dev.vectorcnn.model.Evaluation;
import dev.vectorcnn.model.Sequential;
import dev.vectorcnn.model.TrainingListener;
import dev.vectorcnn.model.TrainingOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains the TensorFlow tutorial's CNN ({@link MnistNetwork}) on MNIST. Per epoch it prints the
 * tutorial's line ({@code <epoch> Last batch accuracy: <acc> Test accuracy: <acc>}, epochs counted
 * from 0 as in the tutorial) with wall time and images/s, and saves a checkpoint with optimizer
 * state; at the end (and after every epoch) it writes a chart of loss and accuracies.
 *
 * <pre>
 * mvn -B -pl examples -am package -DskipTests -Pmnist -Dmnist.args="--epochs 10"
 * </pre>
 */
@Command(name = "MnistExample", mixinStandardHelpOptions = true, sortOptions = false, version = "vectorcnn 0.1.0",
        description = "Trains the TensorFlow tutorial's CNN on MNIST with the vectorcnn kernels.")
public final class MnistExample implements Callable<Integer> {

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs = MnistNetwork.EPOCHS;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per training step (default: ${DEFAULT-VALUE}).")
    int batchSize = MnistNetwork.BATCH_SIZE;

    @Option(names = "--learning-rate", paramLabel = "RATE", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate = MnistNetwork.LEARNING_RATE;

    @Option(names = "--threads", paramLabel = "N",
            description = "Kernel threads (default: the number of available processors).")
    Integer threads;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the initial weights and of the shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST cache directory, fetched into when missing (default: $VECTORCNN_MNIST_DIR, else ~/.cache/vectorcnn/mnist).")
    Path data;

    @Option(names = "--output", paramLabel = "DIR", description = "Where checkpoints and the chart go (default: ${DEFAULT-VALUE}).")
    Path output = Path.of("target", "mnist");

    private final PrintStream out;
    private final PrintStream err;

    MnistExample(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Parses the options (see {@code --help}) and trains; exits with 0 on success, 1 on a failure, 2 on bad options. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MnistExample(System.out, System.err)).execute(args));
    }

    @Override
    public Integer call() {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || (threads != null && threads < 1)) {
            err.println("--epochs, --batch-size, --learning-rate and --threads must be positive");
            return 2;
        }
        try {
            train();
            return 0;
        } catch (IOException | UncheckedIOException e) {
            err.println();
            err.println("MnistExample failed: " + e.getMessage());
            return 1;
        }
    }

    private void train() throws IOException {
        if (threads != null) {
            KernelThreads.setThreads(threads);
        }
        Path dataDirectory = data != null ? data : MnistData.defaultDirectory();
        out.println("Loading MNIST from " + dataDirectory);
        MnistDataset mnist = MnistData.load(dataDirectory);
        Files.createDirectories(output);

        Sequential model = MnistNetwork.build(seed);
        Adam optimizer = MnistNetwork.optimizer(learningRate);
        out.println(model.summary());
        out.printf(Locale.ROOT, "%d training and %d test images; batch %d, %d epochs, %s; kernels: %s, %d threads%n",
                mnist.trainCount(), mnist.testCount(), batchSize, epochs, optimizer,
                KernelBackend.isVectorized() ? "Vector API" : "scalar", KernelThreads.threads());

        ProgressBar bar = new ProgressBar(err, System.console() != null && System.console().isTerminal());
        List<EpochMetrics> metrics = new ArrayList<>();
        long[] epochStart = {System.nanoTime()};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void batchEnded(BatchResult batch) {
                if (batch.batch() == 1) {
                    epochStart[0] = System.nanoTime();
                }
                bar.update("epoch " + batch.epoch() + "/" + epochs, batch.batch(), batch.batches(), batch.loss(),
                        batch.accuracy(), (System.nanoTime() - epochStart[0]) / 1e9);
            }

            @Override
            public void epochEnded(EpochResult epoch) {
                bar.clear();
                Evaluation test = model.evaluate(mnist.testImages(), mnist.testLabels(), batchSize);
                out.printf(Locale.ROOT, "%d Last batch accuracy: %s Test accuracy: %s  (%.1f s, %.0f images/s, "
                        + "mean loss %.4f, train accuracy %.4f)%n", epoch.epoch() - 1,
                        (float) epoch.lastBatchAccuracy(), (float) test.accuracy(), epoch.seconds(),
                        epoch.examplesPerSecond(), epoch.loss(), epoch.accuracy());
                metrics.add(new EpochMetrics(epoch.epoch(), epoch.loss(), epoch.accuracy(), test.accuracy(),
                        epoch.seconds(), epoch.examplesPerSecond()));
                try {
                    Checkpoint.save(output.resolve(String.format(Locale.ROOT, "mnist-epoch-%02d.safetensors",
                            epoch.epoch())), model, optimizer);
                    TrainingChart.writePng(metrics, output.resolve("training.png"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        model.fit(mnist.trainImages(), mnist.trainLabels(), new TrainingOptions(batchSize, epochs, seed), optimizer,
                listener);
        out.println("Checkpoints and chart written to " + output.toAbsolutePath());
    }
}
