package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorcnn.model.Adam;
import dev.vectorcnn.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume point an MnistExample checkpoint carries: read back exactly, and garbled metadata refused. */
class ResumePointTest {

    @TempDir
    Path dir;

    private static final List<EpochMetrics> TWO_EPOCHS = List.of(
            new EpochMetrics(1, 0.2112345678901, 0.9367, 0.9783, 11.25, 5333.3),
            new EpochMetrics(2, 1.0 / 3, 0.98, 0.985, 6.1, 9836.1));

    private Path checkpointWith(Map<String, String> metadata) throws IOException {
        Path file = dir.resolve("mnist-epoch-02.safetensors");
        Checkpoint.save(file, MnistNetwork.build(1), new Adam(), metadata);
        return file;
    }

    @Test
    void what_a_checkpoint_records_reads_back_exactly() throws IOException {
        float learningRate = 0.0007f;
        Path file = checkpointWith(ResumePoint.metadata(50, -3L, learningRate, TWO_EPOCHS));
        assertEquals(new ResumePoint(file, 2, 50, -3L, learningRate, TWO_EPOCHS), ResumePoint.read(file));
    }

    @Test
    void garbled_metadata_is_refused_naming_the_file_and_the_problem() throws IOException {
        Map<String, String> good = ResumePoint.metadata(50, 7L, 0.001f, TWO_EPOCHS);
        // key, garbled value, the problem the message must name
        List<List<String>> cases = List.of(
                List.of("mnist.epoch", "3", "mnist.history does not list epochs 1 to 3"),
                List.of("mnist.epoch", "99999999999", "mnist.epoch '99999999999' is not an integer up to 2147483647"),
                List.of("mnist.seed", "seven", "mnist.seed 'seven' is not an integer up to 9223372036854775807"),
                List.of("mnist.batch-size", "0", "epoch 2, batch size 0 or learning rate 0.001 is out of range"),
                List.of("mnist.learning-rate", "NaN", "epoch 2, batch size 50 or learning rate NaN is out of range"),
                List.of("mnist.learning-rate", "fast", "mnist.learning-rate 'fast' is not a number"),
                List.of("mnist.history", "1 0.5 0.9 0.9 1.0 100.0", "mnist.history does not list epochs 1 to 2"),
                List.of("mnist.history", "1 0.5 0.9 0.9 1.0\n2 0.4 0.9 0.9 1.0 9.0",
                        "mnist.history line '1 0.5 0.9 0.9 1.0' is not 6 numbers"),
                List.of("mnist.history", "1 0.5 0.9 0.9 1.0 x\n2 0.4 0.9 0.9 1.0 9.0",
                        "mnist.history line '1 0.5 0.9 0.9 1.0 x' is not 6 numbers"),
                List.of("mnist.history", "1 0.5 0.9 90 1.0 9.0\n2 0.4 0.9 0.9 1.0 9.0",
                        "testAccuracy must be a fraction in [0, 1], got 90.0"));
        for (List<String> garbled : cases) {
            Map<String, String> metadata = new LinkedHashMap<>(good);
            metadata.put(garbled.get(0), garbled.get(1));
            Path file = checkpointWith(metadata);
            IOException e = assertThrows(IOException.class, () -> ResumePoint.read(file), garbled.toString());
            assertEquals(file + " is not a checkpoint of MnistExample that can be resumed: " + garbled.get(2),
                    e.getMessage(), garbled.toString());
        }
        Map<String, String> missing = new LinkedHashMap<>(good);
        missing.remove("mnist.history");
        Path file = checkpointWith(missing);
        IOException e = assertThrows(IOException.class, () -> ResumePoint.read(file));
        assertEquals(file + " is not a checkpoint of MnistExample that can be resumed: it has no mnist.history metadata",
                e.getMessage());
    }
}
