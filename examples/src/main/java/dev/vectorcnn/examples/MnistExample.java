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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the TensorFlow tutorial's CNN ({@link MnistNetwork}) on MNIST. Per epoch it prints the
 * tutorial's line ({@code <epoch> Last batch accuracy: <acc> Test accuracy: <acc>}, epochs counted
 * from 0 as in the tutorial) with wall time and images/s, and saves a checkpoint with optimizer
 * state and a chart of loss and accuracies so far (so the last chart covers the whole run).
 * {@code --resume} continues a run from one of those checkpoints ({@link ResumePoint}).
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
            description = "Kernel threads, 1 to " + KernelThreads.MAX_THREADS + " (default: the number of available processors).")
    Integer threads;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the initial weights and of the shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    // The default is MnistData.defaultDirectory's rule, in its order. One alternative a line: wrapped
    // as one paragraph, picocli broke "~/.cache" after the dot.
    @Option(names = "--data", paramLabel = "DIR", description = {
        "MNIST cache directory, fetched into when missing. Default, the first that applies:",
        "$" + MnistData.DIRECTORY_ENV + " if set and not blank,",
        "$XDG_CACHE_HOME/vectorcnn/mnist if XDG_CACHE_HOME is an absolute path,",
        "~/.cache/vectorcnn/mnist otherwise."})
    Path data;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where checkpoints and the chart go (default: ${DEFAULT-VALUE}, or with --resume the checkpoint's directory).")
    Path output = Path.of("target", "mnist");

    @Option(names = "--resume", paramLabel = "FILE", description = {
        "Continue a run from one of its checkpoints (mnist-epoch-NN.safetensors) up to --epochs,",
        "ending with the weights the uninterrupted run would have (same data and machine). Batch size,",
        "seed and learning rate are the checkpoint's; giving others is an error."})
    Path resume;

    /** Filled in by picocli: the parsed command line, for what the user typed. */
    @Spec
    CommandSpec spec;

    /** Where the data comes from; {@link MnistData#load} but for tests. */
    @FunctionalInterface
    interface DatasetLoader {
        MnistDataset load(Path directory) throws IOException;
    }

    private final PrintStream out;
    private final PrintStream err;
    private final DatasetLoader loader;
    private final boolean errIsTerminal;

    /**
     * @param errIsTerminal whether {@code err} writes to a terminal: the progress bar then redraws in
     *                      place, else it prints a line at each tenth of an epoch
     */
    MnistExample(PrintStream out, PrintStream err, DatasetLoader loader, boolean errIsTerminal) {
        this.out = out;
        this.err = err;
        this.loader = loader;
        this.errIsTerminal = errIsTerminal;
    }

    /**
     * Parses the options (see {@code --help}) and trains; exits with 0 on success, 1 on a failure, 2 on bad options.
     *
     * @param args command-line options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MnistExample(System.out, System.err, MnistData::load,
                TerminalCheck.standardErrorIsTerminal())).execute(args));
    }

    /**
     * Checks the options, the checkpoint to resume from, the output directory, loads the data and trains.
     * Each failure is one line on standard error: an option value out of range, or one that contradicts
     * the checkpoint, with status 2 (the status of picocli's own parse errors); a checkpoint that cannot
     * be resumed, an output directory that cannot be written, data that cannot be loaded (or that the
     * checkpoint was not trained on), or a rejection by the library with status 1. All but the last are
     * found before any training, and all that need no data before the data is loaded.
     */
    @Override
    public Integer call() {
        String badOption = checkOptionValues();
        if (badOption != null) {
            err.println(badOption);
            return 2;
        }
        ResumePoint resumePoint = null;
        if (resume != null) {
            try {
                resumePoint = ResumePoint.read(resume);
            } catch (IOException e) {
                return fail("--resume: " + ErrorText.describe(e));
            }
            String conflict = takeSettingsFrom(resumePoint);
            if (conflict != null) {
                err.println(conflict);
                return 2;
            }
        }
        Sequential model = MnistNetwork.build(seed);
        Adam optimizer = MnistNetwork.optimizer(learningRate);
        if (resumePoint != null) {
            try {
                Checkpoint.load(resumePoint.file(), model, optimizer);
            } catch (IOException e) {
                return fail("--resume: " + ErrorText.describe(e));
            }
        }
        try {
            OutputDirectory.prepare(output);
        } catch (IOException e) {
            return fail("--output: " + e.getMessage());
        }
        String note = earlierCheckpointsNote(resumePoint);
        if (note != null) {
            out.println(note);
        }
        try {
            if (threads != null) {
                KernelThreads.setThreads(threads);
            }
            Path dataDirectory = data != null ? data : MnistData.defaultDirectory();
            out.println("Loading MNIST from " + dataDirectory.toAbsolutePath().normalize());
            MnistDataset mnist;
            try {
                mnist = loader.load(dataDirectory);
            } catch (IOException e) {
                return fail("--data: " + ErrorText.describe(e));
            }
            if (resumePoint != null) {
                String problem = stepsProblem(resumePoint, optimizer, mnist.trainCount());
                if (problem != null) {
                    return fail("--resume: " + problem);
                }
            }
            train(mnist, model, optimizer, resumePoint);
            return 0;
        } catch (UncheckedIOException e) {
            // The training listener wraps the checkpoint and chart writes' IOException in this.
            return fail("--output: " + ErrorText.describe(e.getCause()));
        } catch (TrainingDiverged e) {
            return fail(e.getMessage());
        } catch (IllegalArgumentException e) {
            return fail(ErrorText.describe(e));
        }
    }

    /** Thrown out of the training listener when an epoch's training or test loss is not finite. */
    private static final class TrainingDiverged extends RuntimeException {
        TrainingDiverged(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The first option whose value is out of range, with its value (for the learning rate, as
     * typed), or {@code null} when all are fine.
     */
    private String checkOptionValues() {
        if (epochs < 1) {
            return "--epochs must be at least 1, got " + epochs;
        }
        if (batchSize < 1) {
            return "--batch-size must be at least 1, got " + batchSize;
        }
        // Adam takes a float: 1e-50 rounds to 0 and 1e39 to Infinity, so check the float, and show
        // the text, which is what the user knows.
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            String text = typed("--learning-rate");
            return "--learning-rate must be a finite number > 0 (as a float), got "
                    + (text != null ? text : Float.toString(learningRate));
        }
        // KernelThreads.setThreads enforces the same range; checked here first so that the message
        // names the option and comes before any data is loaded.
        if (threads != null && (threads < 1 || threads > KernelThreads.MAX_THREADS)) {
            return "--threads must be from 1 to " + KernelThreads.MAX_THREADS + ", got " + threads;
        }
        return null;
    }

    /**
     * Takes the batch size, seed and learning rate of {@code point}, which fix how the run goes on, and its
     * directory as the output unless one was given; returns the first option typed with another value, or
     * an {@code --epochs} that leaves nothing to train, as the line to print, or {@code null} when all agree.
     */
    private String takeSettingsFrom(ResumePoint point) {
        String keeps = "; a resumed run keeps the checkpoint's batch size, seed and learning rate";
        if (typed("--batch-size") != null && batchSize != point.batchSize()) {
            return "--batch-size " + batchSize + " differs from the checkpoint's " + point.batchSize() + keeps;
        }
        if (typed("--seed") != null && seed != point.seed()) {
            return "--seed " + seed + " differs from the checkpoint's " + point.seed() + keeps;
        }
        if (typed("--learning-rate") != null && learningRate != point.learningRate()) {
            return "--learning-rate " + typed("--learning-rate") + " differs from the checkpoint's "
                    + point.learningRate() + keeps;
        }
        if (epochs <= point.epoch()) {
            return "--epochs " + epochs + " leaves nothing to train: " + point.file() + " is after epoch "
                    + point.epoch() + " already";
        }
        if (typed("--output") == null) {
            // The run goes on where it was written, not in a second directory.
            output = point.file().toAbsolutePath().getParent();
        }
        batchSize = point.batchSize();
        seed = point.seed();
        learningRate = point.learningRate();
        return null;
    }

    /**
     * Why {@code optimizer}, restored from {@code point}, cannot go on training on {@code trainCount} images,
     * or {@code null}: its step count must be what {@code point.epoch()} epochs of them make in its batches,
     * and anything else means other training data.
     */
    private static String stepsProblem(ResumePoint point, Adam optimizer, int trainCount) {
        if (trainCount == 0) {
            return null; // fit reports the empty training set
        }
        int batch = stepBatch(point.batchSize(), trainCount);
        long expectedSteps = (long) point.epoch() * ((trainCount + batch - 1) / batch);
        if (optimizer.iterations() != expectedSteps) {
            return point.file() + " made " + optimizer.iterations() + " training steps, but "
                    + count(point.epoch(), "epoch") + " of " + trainCount + " images in batches of " + batch + " make "
                    + expectedSteps + ": it was trained on other data";
        }
        return null;
    }

    /**
     * A line warning that {@code output} holds checkpoints this run did not write: of the epochs after the
     * one it resumes from, or of any epoch when it starts afresh or writes into another directory than its
     * checkpoint's. It replaces those from the epoch it starts with up to {@code --epochs} as it gets there and
     * does not touch the rest, which then sit beside its own without being its. {@code null} when there are none.
     */
    private String earlierCheckpointsNote(ResumePoint resumePoint) {
        Path directory = output.toAbsolutePath().normalize();
        boolean ownDirectory = resumePoint != null
                && directory.equals(resumePoint.file().toAbsolutePath().normalize().getParent());
        SortedSet<Integer> others;
        try {
            others = CheckpointFiles.epochsIn(output).tailSet(ownDirectory ? resumePoint.epoch() + 1 : 0);
        } catch (IOException e) {
            // The run can still write there (OutputDirectory checked that); it just cannot look first.
            return "Note: cannot list " + directory + " (" + ErrorText.describe(e)
                    + "), so checkpoints of an earlier run there are not pointed out";
        }
        if (others.isEmpty()) {
            return null;
        }
        int done = resumePoint == null ? 0 : resumePoint.epoch();
        SortedSet<Integer> replaced = new TreeSet<>(others.stream().filter(e -> e > done && e <= epochs).toList());
        SortedSet<Integer> kept = new TreeSet<>(others);
        kept.removeAll(replaced);
        String note = "Note: " + directory + " holds " + (others.size() == 1 ? "a checkpoint" : "checkpoints")
                + " of an earlier run, " + epochList(others) + "; this run ";
        if (kept.isEmpty()) {
            return note + (others.size() == 1 ? "replaces it" : "replaces them") + " when it gets there.";
        }
        return note + (replaced.isEmpty() ? "" : "replaces " + epochList(replaced) + " when it gets there and ")
                + "does not touch " + epochList(kept) + ".";
    }

    /** E.g. {@code epoch 4} or {@code epochs 3-5, 8, 10-11}, for a set that is not empty. */
    private static String epochList(SortedSet<Integer> numbers) {
        return (numbers.size() == 1 ? "epoch " : "epochs ") + ranges(numbers);
    }

    /** E.g. {@code 3-5, 8, 10-11} for {@code [3, 4, 5, 8, 10, 11]}; {@code numbers} is not empty. */
    private static String ranges(SortedSet<Integer> numbers) {
        StringJoiner text = new StringJoiner(", ");
        Integer first = null;
        int last = 0;
        for (int n : numbers) {
            if (first != null && n == last + 1) {
                last = n;
                continue;
            }
            if (first != null) {
                text.add(first == last ? Integer.toString(first) : first + "-" + last);
            }
            first = n;
            last = n;
        }
        text.add(first == last ? Integer.toString(first) : first + "-" + last);
        return text.toString();
    }

    /** The text given for {@code option} on the command line, or {@code null} when it was not given. */
    private String typed(String option) {
        OptionSpec matched = spec.commandLine().getParseResult().matchedOption(option);
        return matched == null ? null : matched.stringValues().get(0);
    }

    private int fail(String message) {
        err.println("MnistExample failed: " + message);
        return 1;
    }

    /**
     * The examples a training step takes: {@code batchSize}, or all of them when there are fewer, as
     * Sequential.fit does; worked out here so that the figure printed and the steps counted are the ones used.
     */
    private static int stepBatch(int batchSize, int trainCount) {
        return Math.min(batchSize, Math.max(1, trainCount));
    }

    /** "1 epoch", "10 epochs". */
    private static String count(int n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** Trains {@code model} from where {@code resumePoint} stopped (from scratch when it is null). */
    private void train(MnistDataset mnist, Sequential model, Adam optimizer, ResumePoint resumePoint) {
        int epochsDone = resumePoint == null ? 0 : resumePoint.epoch();
        int batch = stepBatch(batchSize, mnist.trainCount());
        String batchText = batch == batchSize ? "batch " + batch
                : "batch " + batch + " (--batch-size " + batchSize + " is more than the training images)";
        out.println(model.summary());
        out.printf(Locale.ROOT, "%d training and %d test images; %s, %s, %s; kernels: %s, %s%n",
                mnist.trainCount(), mnist.testCount(), batchText, count(epochs, "epoch"), optimizer,
                KernelBackend.describe(), count(KernelThreads.threads(), "thread"));

        if (resumePoint != null) {
            out.println("Resuming after epoch " + resumePoint.epoch() + " from " + resumePoint.file());
        }

        ProgressBar bar = new ProgressBar(err, errIsTerminal);
        List<EpochMetrics> metrics = new ArrayList<>(resumePoint == null ? List.of() : resumePoint.history());
        long[] epochStart = {System.nanoTime()};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void batchEnded(BatchResult result) {
                if (result.batch() == 1) {
                    epochStart[0] = System.nanoTime();
                }
                bar.update("epoch " + result.epoch() + "/" + epochs, result.batch(), result.batches(), result.loss(),
                        result.accuracy(), (System.nanoTime() - epochStart[0]) / 1e9);
            }

            @Override
            public void epochEnded(EpochResult epoch) {
                bar.clear();
                Evaluation test = model.evaluate(mnist.testImages(), mnist.testLabels(), batch);
                out.printf(Locale.ROOT, "%d Last batch accuracy: %s Test accuracy: %s  (%.1f s, %.0f images/s, "
                        + "mean loss %.4f, train accuracy %.4f)%n", epoch.epoch() - 1,
                        (float) epoch.lastBatchAccuracy(), (float) test.accuracy(), epoch.seconds(),
                        epoch.examplesPerSecond(), epoch.loss(), epoch.accuracy());
                // The test loss catches weights that the epoch's last update turned into NaN.
                if (!Double.isFinite(epoch.loss()) || !Double.isFinite(test.loss())) {
                    // NaN weights make a useless checkpoint; the earlier epochs' files stay as written.
                    String typedRate = typed("--learning-rate");
                    throw new TrainingDiverged("training diverged: the mean loss of epoch " + epoch.epoch() + " is "
                            + epoch.loss() + " (test loss " + test.loss() + "); try a smaller --learning-rate than "
                            + (typedRate != null ? typedRate : Float.toString(learningRate)));
                }
                metrics.add(new EpochMetrics(epoch.epoch(), epoch.loss(), epoch.accuracy(), test.accuracy(),
                        epoch.seconds(), epoch.examplesPerSecond()));
                try {
                    Checkpoint.save(CheckpointFiles.of(output, epoch.epoch()), model, optimizer,
                            ResumePoint.metadata(batchSize, seed, learningRate, metrics));
                    TrainingChart.writePng(metrics, output.resolve("training.png"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            model.fit(mnist.trainImages(), mnist.trainLabels(), new TrainingOptions(batch, epochs, seed, epochsDone),
                    optimizer, listener);
        } finally {
            bar.clear(); // so that an error message starts on a line of its own
        }
        out.println("Checkpoints and chart written to " + output.toAbsolutePath());
    }
}
