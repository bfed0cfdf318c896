package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
                new PrintStream(err, true, StandardCharsets.UTF_8));
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

    @Test
    void non_positive_values_are_refused_before_loading_data() {
        assertEquals(2, run(example(), "--epochs", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("must be positive"), err.toString());
        assertEquals(2, run(example(), "--batch-size", "-5"));
    }

    @Test
    void unknown_options_and_malformed_numbers_are_usage_errors() {
        assertEquals(2, run(example(), "--epoch", "3"));
        assertEquals(2, run(example(), "--epochs", "ten"));
    }
}
