package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The trainer's command line: defaults are the tutorial's, bad values are refused before any work. */
class MnistExampleOptionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(MnistExample example, String... args) {
        CommandLine commandLine = new CommandLine(example);
        commandLine.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    private MnistExample example() {
        return new MnistExample(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), MnistData::load, false);
    }

    @Test
    void defaults_are_the_tutorial_settings() {
        MnistExample example = example();
        new CommandLine(example).parseArgs();
        assertEquals(10, example.epochs);
        assertEquals(100, example.batchSize);
        assertEquals(0.001f, example.learningRate);
        assertEquals(Path.of("target", "mnist"), example.output);
    }

    @Test
    void options_are_parsed() {
        MnistExample example = example();
        new CommandLine(example).parseArgs("--epochs", "3", "--batch-size", "50", "--learning-rate", "0.01",
                "--threads", "2", "--seed", "7", "--data", "d", "--output", "o");
        assertEquals(3, example.epochs);
        assertEquals(50, example.batchSize);
        assertEquals(0.01f, example.learningRate);
        assertEquals(2, example.threads);
        assertEquals(7, example.seed);
        assertEquals(Path.of("d"), example.data);
        assertEquals(Path.of("o"), example.output);
    }

    @Test
    void help_lists_every_option() {
        assertEquals(0, run(example(), "--help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--epochs", "--batch-size", "--learning-rate", "--threads", "--seed",
                "--data", "--output", "--help"}) {
            assertTrue(usage.contains(option), option + " missing from:\n" + usage);
        }
    }

    /**
     * Runs {@code args} on an example whose data loader only counts calls; asserts status 2, that
     * nothing was loaded, and that standard error is exactly {@code message} on one line.
     */
    private void assertRefused(String message, String... args) {
        out.reset();
        err.reset();
        AtomicInteger loads = new AtomicInteger();
        MnistExample example = new MnistExample(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), directory -> {
                    loads.incrementAndGet();
                    throw new IOException("no data in this test");
                }, false);
        assertEquals(2, run(example, args), err.toString(StandardCharsets.UTF_8));
        assertEquals(message + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, loads.get(), "data was loaded despite a bad option");
    }

    @Test
    void out_of_range_values_are_refused_naming_the_option_and_value() {
        assertRefused("--epochs must be at least 1, got 0", "--epochs", "0");
        assertRefused("--batch-size must be at least 1, got -5", "--batch-size", "-5");
        assertRefused("--threads must be from 1 to 1024, got 0", "--threads", "0");
    }

    /** --threads 100000 used to start training and die of an OutOfMemoryError. */
    @Test
    void threads_above_1024_are_refused() {
        assertRefused("--threads must be from 1 to 1024, got 1025", "--threads", "1025");
        assertRefused("--threads must be from 1 to 1024, got 100000", "--threads", "100000");
    }

    /**
     * Adam takes a float: 1e39 and Infinity became Infinity, which the optimizer rejected with a
     * stack trace after the data was loaded; 1e-50 rounds to 0. The message repeats what was typed.
     */
    @Test
    void learning_rate_that_is_not_a_finite_positive_float_is_refused_as_typed() {
        for (String rate : new String[] {"Infinity", "1e39", "1e-50", "0", "-0.001", "NaN"}) {
            assertRefused("--learning-rate must be a finite number > 0 (as a float), got " + rate,
                    "--learning-rate", rate);
        }
        assertRefused("--learning-rate must be a finite number > 0 (as a float), got 1e39", "--learning-rate=1e39");
    }

    @Test
    void smallest_positive_float_is_a_valid_learning_rate() {
        MnistExample example = example();
        new CommandLine(example).parseArgs("--learning-rate", "1e-45");
        assertEquals(Float.MIN_VALUE, example.learningRate);
    }

    /** The help must state MnistData.defaultDirectory's rule, XDG_CACHE_HOME included. */
    @Test
    void help_for_data_states_the_default_directory_rule() {
        assertEquals(0, run(example(), "--help"));
        // picocli wraps long descriptions: compare with the line breaks and indentation folded.
        String usage = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertTrue(usage.contains("Default, the first that applies: $VECTORCNN_MNIST_DIR if set and not blank, "
                + "$XDG_CACHE_HOME/vectorcnn/mnist if XDG_CACHE_HOME is an absolute path, "
                + "~/.cache/vectorcnn/mnist otherwise."), usage);
    }

    @Test
    void unknown_options_and_malformed_numbers_are_usage_errors() {
        assertEquals(2, run(example(), "--epoch", "3"));
        assertEquals(2, run(example(), "--epochs", "ten"));
    }
}
