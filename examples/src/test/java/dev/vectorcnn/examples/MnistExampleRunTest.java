package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorcnn.model.Checkpoint;
import dev.vectorcnn.model.SafeTensors;
import dev.vectorcnn.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The trainer end to end on a tiny made-up data set (so each run takes moments): what it prints,
 * and that output and data paths it cannot use, or data the library rejects, end the run with one
 * line naming the option and the reason, before any training where that can be known.
 */
class MnistExampleRunTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicInteger loads = new AtomicInteger();

    /** {@code train} training and {@code test} test images of random pixels, labels cycling 0..9. */
    private static MnistDataset tinyDataset(int train, int test) {
        SplittableRandom random = new SplittableRandom(3);
        float[] trainImages = new float[train * MnistDataset.PIXELS_PER_IMAGE];
        float[] testImages = new float[test * MnistDataset.PIXELS_PER_IMAGE];
        for (int i = 0; i < trainImages.length; i++) {
            trainImages[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < testImages.length; i++) {
            testImages[i] = (float) random.nextDouble();
        }
        int[] trainLabels = new int[train];
        int[] testLabels = new int[test];
        for (int i = 0; i < train; i++) {
            trainLabels[i] = i % 10;
        }
        for (int i = 0; i < test; i++) {
            testLabels[i] = i % 10;
        }
        return new MnistDataset(trainImages, trainLabels, testImages, testLabels);
    }

    /** Runs the trainer on {@code dataset} (counting loads) with {@code args}; returns the status. */
    private int run(MnistDataset dataset, String... args) {
        return run(directory -> {
            loads.incrementAndGet();
            return dataset;
        }, args);
    }

    private int run(MnistExample.DatasetLoader loader, String... args) {
        return run(loader, false, args);
    }

    private int run(MnistExample.DatasetLoader loader, boolean errIsTerminal, String... args) {
        MnistExample example = new MnistExample(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), loader, errIsTerminal);
        CommandLine commandLine = new CommandLine(example);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Exactly one line, and no stack trace. */
    private void assertOneLineError(String expected) {
        assertEquals(expected + System.lineSeparator(), err());
    }

    /** Sequential.fit takes at most the whole training set per step; the example used to print the request. */
    @Test
    void batch_size_larger_than_the_training_set_is_printed_as_used() {
        Path output = dir.resolve("out");
        assertEquals(0, run(tinyDataset(30, 10), "--epochs", "1", "--batch-size", "100000", "--output",
                output.toString()), err());
        assertTrue(out().contains("30 training and 10 test images; batch 30 (--batch-size 100000 is more than the "
                + "training images), 1 epoch,"), out());
        assertFalse(out().contains("batch 100000"), out());
        assertTrue(Files.isRegularFile(output.resolve("mnist-epoch-01.safetensors")));
        assertTrue(Files.isRegularFile(output.resolve("training.png")));
    }

    @Test
    void a_loss_that_turns_nan_stops_the_run_with_one_line_and_writes_no_checkpoint_of_it() {
        Path output = dir.resolve("out");
        // Adam's first step moves every weight by about the learning rate: 1e30 makes the logits overflow.
        assertEquals(1, run(tinyDataset(30, 10), "--epochs", "2", "--batch-size", "10", "--learning-rate", "1e30",
                "--output", output.toString()));
        // After the progress lines (no terminal here), one line and no stack trace.
        assertTrue(err().endsWith(System.lineSeparator() + "MnistExample failed: training diverged: the mean loss of "
                + "epoch 1 is NaN (test loss NaN); try a smaller --learning-rate than 1e30" + System.lineSeparator()),
                err());
        assertFalse(err().contains("\tat "), err());
        assertFalse(Files.exists(output.resolve("mnist-epoch-01.safetensors")));
    }

    /**
     * The bar's mode follows what the example is told about its error stream. It used to follow
     * System.console(), which answers for standard input and output: with standard error in a file
     * and standard output a terminal, the redraws' carriage returns piled up in the file.
     */
    @Test
    void progress_redraws_in_place_only_when_standard_error_is_a_terminal() {
        MnistDataset data = tinyDataset(30, 10);
        assertEquals(0, run(directory -> data, true, "--epochs", "1", "--batch-size", "10", "--output",
                dir.resolve("terminal").toString()), err());
        assertTrue(err().contains("\r") && err().contains("3/3"), err());

        err.reset();
        assertEquals(0, run(directory -> data, false, "--epochs", "1", "--batch-size", "10", "--output",
                dir.resolve("log").toString()), err());
        assertFalse(err().contains("\r"), err());
        assertTrue(err().lines().anyMatch(line -> line.startsWith("epoch 1/1 [") && line.contains(" 3/3 ")), err());
    }

    @Test
    void batch_size_within_the_training_set_is_printed_plainly() {
        assertEquals(0, run(tinyDataset(30, 10), "--epochs", "1", "--batch-size", "16", "--output",
                dir.resolve("out").toString()), err());
        assertTrue(out().contains("; batch 16, 1 epoch,"), out());
    }

    @Test
    void output_that_is_a_file_fails_before_loading_data() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "keep me");
        assertEquals(1, run(tinyDataset(30, 10), "--output", file.toString()));
        assertOneLineError("MnistExample failed: --output: cannot write to " + file + ": exists and is not a directory");
        assertEquals(0, loads.get());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void output_below_a_file_fails_naming_the_reason() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "");
        Path below = file.resolve("sub");
        assertEquals(1, run(tinyDataset(30, 10), "--output", below.toString()));
        assertTrue(err().startsWith("MnistExample failed: --output: cannot write to " + below + ": "), err());
        assertEquals(1, err().lines().count(), err());
        assertEquals(0, loads.get());
    }

    /** /proc exists and is a directory, but no file can be created in it (not even by root). */
    @Test
    void existing_directory_that_cannot_be_written_fails_before_loading_data() {
        Path proc = Path.of("/proc");
        Assumptions.assumeTrue(Files.isDirectory(proc), "no /proc on this system");
        assertEquals(1, run(tinyDataset(30, 10), "--output", proc.toString()));
        assertTrue(err().startsWith("MnistExample failed: --output: cannot write to /proc: cannot create a file in it ("),
                err());
        assertEquals(1, err().lines().count(), err());
        assertEquals(0, loads.get());
    }

    /** The real loader: a --data path that is a file cannot hold the cache, and nothing is downloaded. */
    @Test
    void data_that_is_a_file_names_the_option_and_reason() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "");
        assertEquals(1, run(MnistData::load, "--data", file.toString(), "--output", dir.resolve("out").toString()));
        assertOneLineError("MnistExample failed: --data: " + file + ": exists and is not a directory");
    }

    /** An IllegalArgumentException from the library used to escape as a stack trace. */
    @Test
    void data_the_library_rejects_ends_with_one_line_and_status_1() {
        MnistDataset good = tinyDataset(30, 10);
        int[] labels = good.trainLabels().clone();
        labels[7] = 12;
        MnistDataset badLabel = new MnistDataset(good.trainImages(), labels, good.testImages(), good.testLabels());
        assertEquals(1, run(badLabel, "--epochs", "1", "--output", dir.resolve("out").toString()));
        assertOneLineError("MnistExample failed: labels[7] = 12 is outside [0, 10)");
    }

    /**
     * The checkpoint after epoch {@code epoch} that a run on {@code dataset} writes into a new directory, with
     * batch size, seed and learning rate other than the defaults, which a resumed run must take from it.
     */
    private Path checkpointAfter(int epoch, MnistDataset dataset, String outputName) {
        Path output = dir.resolve(outputName);
        assertEquals(0, run(dataset, "--epochs", Integer.toString(epoch), "--batch-size", "10", "--seed", "7",
                "--learning-rate", "0.002", "--output", output.toString()), err());
        return output.resolve(String.format("mnist-epoch-%02d.safetensors", epoch));
    }

    /** The first four fields (epoch, loss, train and test accuracy) of each line of a checkpoint's history. */
    private static List<String> historyWithoutTimes(Path checkpoint) throws IOException {
        return Checkpoint.metadata(checkpoint).get("mnist.history").lines()
                .map(line -> String.join(" ", List.of(line.split(" ")).subList(0, 4))).toList();
    }

    @Test
    void a_run_resumed_from_its_checkpoint_ends_where_the_uninterrupted_run_ends() throws IOException {
        MnistDataset data = tinyDataset(30, 10);
        Path uninterrupted = checkpointAfter(2, data, "whole");
        Path afterOne = checkpointAfter(1, data, "parts");

        // No --batch-size, --seed, --learning-rate or --output: the checkpoint's are taken, not the defaults.
        assertEquals(0, run(data, "--epochs", "2", "--resume", afterOne.toString()), err());
        assertTrue(out().contains("Resuming after epoch 1 from " + afterOne), out());
        Path resumed = afterOne.resolveSibling("mnist-epoch-02.safetensors");

        Map<String, Tensor> expected = SafeTensors.read(uninterrupted).tensors();
        Map<String, Tensor> actual = SafeTensors.read(resumed).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, tensor) -> assertArrayEquals(tensor.data(), actual.get(name).data(), name));
        // The resumed run's history, and so its chart, covers both epochs with the same figures.
        assertEquals(historyWithoutTimes(uninterrupted), historyWithoutTimes(resumed));
        assertEquals(2, historyWithoutTimes(resumed).size());
    }

    @Test
    void resuming_with_other_settings_or_nothing_left_to_train_fails_before_loading_data() {
        Path checkpoint = checkpointAfter(1, tinyDataset(30, 10), "out");
        int loadsBefore = loads.get();
        err.reset();
        assertEquals(2, run(tinyDataset(30, 10), "--epochs", "3", "--batch-size", "5", "--resume", checkpoint.toString()));
        assertOneLineError("--batch-size 5 differs from the checkpoint's 10; a resumed run keeps the checkpoint's "
                + "batch size, seed and learning rate");
        err.reset();
        assertEquals(2, run(tinyDataset(30, 10), "--epochs", "3", "--learning-rate", "0.01", "--resume",
                checkpoint.toString()));
        assertOneLineError("--learning-rate 0.01 differs from the checkpoint's 0.002; a resumed run keeps the "
                + "checkpoint's batch size, seed and learning rate");
        err.reset();
        assertEquals(2, run(tinyDataset(30, 10), "--epochs", "3", "--seed", "42", "--resume", checkpoint.toString()));
        assertOneLineError("--seed 42 differs from the checkpoint's 7; a resumed run keeps the checkpoint's "
                + "batch size, seed and learning rate");
        err.reset();
        assertEquals(2, run(tinyDataset(30, 10), "--epochs", "1", "--resume", checkpoint.toString()));
        assertOneLineError("--epochs 1 leaves nothing to train: " + checkpoint + " is after epoch 1 already");
        assertEquals(loadsBefore, loads.get());
    }

    /** The checkpoint records the --batch-size asked for, so the same command line resumes. */
    @Test
    void a_batch_larger_than_the_training_set_may_be_given_again_when_resuming() {
        Path output = dir.resolve("out");
        assertEquals(0, run(tinyDataset(30, 10), "--epochs", "1", "--batch-size", "100", "--output",
                output.toString()), err());
        assertEquals(0, run(tinyDataset(30, 10), "--epochs", "2", "--batch-size", "100", "--output", output.toString(),
                "--resume", output.resolve("mnist-epoch-01.safetensors").toString()), err());
        assertTrue(Files.isRegularFile(output.resolve("mnist-epoch-02.safetensors")));
    }

    @Test
    void resuming_from_a_checkpoint_the_example_did_not_write_fails_with_one_line() throws IOException {
        Path plain = dir.resolve("plain.safetensors");
        Checkpoint.save(plain, MnistNetwork.build(1));
        assertEquals(1, run(tinyDataset(30, 10), "--epochs", "2", "--resume", plain.toString()));
        assertOneLineError("MnistExample failed: --resume: " + plain + " is not a checkpoint of MnistExample that "
                + "can be resumed: it has no mnist.epoch metadata");
        err.reset();
        Path missing = dir.resolve("missing.safetensors");
        assertEquals(1, run(tinyDataset(30, 10), "--epochs", "2", "--resume", missing.toString()));
        assertOneLineError("MnistExample failed: --resume: " + missing + ": no such file or directory");
        assertEquals(0, loads.get());
    }

    @Test
    void resuming_on_other_training_data_fails_before_training() {
        Path checkpoint = checkpointAfter(1, tinyDataset(30, 10), "out");
        err.reset();
        assertEquals(1, run(tinyDataset(40, 10), "--epochs", "2", "--resume", checkpoint.toString(), "--output",
                dir.resolve("other").toString()));
        assertOneLineError("MnistExample failed: --resume: " + checkpoint + " made 3 training steps, but 1 epoch of "
                + "40 images in batches of 10 make 4: it was trained on other data");
        assertFalse(Files.exists(dir.resolve("other").resolve("mnist-epoch-02.safetensors")));
    }

    /** Files of another run in the output directory are named, so that nobody takes them for this run's. */
    @Test
    void checkpoints_of_an_earlier_run_are_pointed_out_before_training() throws IOException {
        MnistDataset data = tinyDataset(30, 10);
        Path output = dir.resolve("out");
        String shown = output.toAbsolutePath().normalize().toString();
        assertEquals(0, run(data, "--epochs", "4", "--batch-size", "10", "--output", output.toString()), err());
        assertFalse(out().contains("Note:"), out());
        Files.delete(output.resolve("mnist-epoch-03.safetensors"));

        out.reset();
        assertEquals(0, run(data, "--epochs", "2", "--batch-size", "10", "--output", output.toString()), err());
        String note = "Note: " + shown + " holds checkpoints of an earlier run, epochs 1-2, 4; this run replaces "
                + "epochs 1-2 when it gets there and does not touch epoch 4.";
        assertTrue(out().contains(note), out());
        assertTrue(out().indexOf(note) < out().indexOf("0 Last batch accuracy"), out());

        // Resumed in its checkpoint's directory, the epochs up to the checkpoint's are the run's own.
        out.reset();
        assertEquals(0, run(data, "--epochs", "3", "--resume", output.resolve("mnist-epoch-02.safetensors").toString()),
                err());
        assertTrue(out().contains("Note: " + shown + " holds a checkpoint of an earlier run, epoch 4; this run does "
                + "not touch epoch 4."), out());
        out.reset();
        assertEquals(0, run(data, "--epochs", "4", "--resume", output.resolve("mnist-epoch-01.safetensors").toString()),
                err());
        assertTrue(out().contains("Note: " + shown + " holds checkpoints of an earlier run, epochs 2-4; this run "
                + "replaces them when it gets there."), out());

        // Written into another directory, every checkpoint there is another run's; names the run would not
        // write, and a directory with a checkpoint's name, are not checkpoints.
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("mnist-epoch-06.safetensors"));
        for (String name : List.of("mnist-epoch-01.safetensors", "mnist-epoch-100.safetensors",
                "mnist-epoch-007.safetensors", "mnist-epoch-5.safetensors", "notes.txt")) {
            Files.writeString(other.resolve(name), "not a checkpoint");
        }
        out.reset();
        assertEquals(0, run(data, "--epochs", "5", "--output", other.toString(), "--resume",
                output.resolve("mnist-epoch-04.safetensors").toString()), err());
        assertTrue(out().contains("Note: " + other.toAbsolutePath().normalize() + " holds checkpoints of an earlier "
                + "run, epochs 1, 100; this run does not touch epochs 1, 100."), out());

        out.reset();
        assertEquals(0, run(data, "--epochs", "5", "--resume", output.resolve("mnist-epoch-04.safetensors").toString()),
                err());
        assertFalse(out().contains("Note:"), out());
    }
}
