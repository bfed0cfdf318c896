package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors checkpoints: format, round trips, atomic saves, and every way a file can be broken. */
class CheckpointTest {

    @TempDir
    Path dir;

    /** A two-layer model: parameters 0.dense.kernel [3, 2], 0.dense.bias [2], 1.dense.kernel [2, 2], 1.dense.bias [2]. */
    private static Sequential tiny(long seed) {
        return Sequential.builder(3).add(new Dense(2, Activation.RELU)).add(new Dense(2)).build(seed);
    }

    private static List<float[]> snapshot(Sequential model) {
        return model.parameters().stream().map(p -> p.values.clone()).toList();
    }

    private static void assertParameters(List<float[]> expected, Sequential model) {
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), model.parameters().get(i).values, model.parameters().get(i).name());
        }
    }

    /** Writes a file from a header text and raw data bytes, with the length field computed. */
    private Path file(String name, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json).put(data);
        Path path = dir.resolve(name);
        Files.write(path, bytes.array());
        return path;
    }

    private static byte[] floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return bytes.array();
    }

    @Test
    void reads_a_file_laid_out_as_the_python_package_writes_it() throws IOException {
        // Bytes as safetensors.numpy.save_file({"b": [[1, 2], [3, 4]], "a": [-1.5]}) would lay them out:
        // header padded with spaces to a multiple of 8, tensors sorted by name in the data.
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[4,20]},"
                + "\"__metadata__\":{\"format\":\"np\"}}";
        header += " ".repeat((8 - header.length() % 8) % 8);
        Path path = file("python.safetensors", header, floats(-1.5f, 1, 2, 3, 4));
        SafeTensors.Contents contents = SafeTensors.read(path);
        assertEquals(new Tensor(new float[] {-1.5f}, 1), contents.tensors().get("a"));
        assertEquals(new Tensor(new float[] {1, 2, 3, 4}, 2, 2), contents.tensors().get("b"));
        assertEquals(Map.of("format", "np"), contents.metadata());
    }

    @Test
    void writes_an_aligned_header_and_little_endian_data() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new Tensor(new float[] {1f, -2f, 0.5f}, 3, 1));
        tensors.put("empty", new Tensor(new float[0], 0, 4));
        Path path = dir.resolve("w.safetensors");
        SafeTensors.write(path, tensors, Map.of("k", "v \"quoted\""));
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong();
        assertEquals(0, headerLength % 8);
        assertEquals(8 + headerLength + 12, bytes.length);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"w\":{\"dtype\":\"F32\",\"shape\":[3,1],\"data_offsets\":[0,12]}"), header);
        assertTrue(header.contains("\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[12,12]}"), header);
        buffer.position(8 + (int) headerLength);
        assertEquals(1f, buffer.getFloat());
        assertEquals(-2f, buffer.getFloat());
        assertEquals(0.5f, buffer.getFloat());
        SafeTensors.Contents back = SafeTensors.read(path);
        assertEquals(tensors, back.tensors());
        assertEquals(Map.of("k", "v \"quoted\""), back.metadata());
    }

    @Test
    void parameters_round_trip_bitwise() throws IOException {
        Sequential saved = tiny(1);
        Path path = dir.resolve("model.safetensors");
        Checkpoint.save(path, saved);
        Sequential loaded = tiny(2);
        Checkpoint.load(path, loaded);
        assertParameters(snapshot(saved), loaded);
    }

    /** Trains {@code model} one epoch of {@code data} (batches of 8, seed 5) and saves it with {@code optimizer}'s state. */
    private Path trainOneEpochAndSave(TrainingTest.Quadrants data, Sequential model, Optimizer optimizer, String name)
            throws IOException {
        model.fit(data.images, data.labels, new TrainingOptions(8, 1, 5), optimizer, TrainingListener.NONE);
        Path path = dir.resolve(name);
        Checkpoint.save(path, model, optimizer);
        return path;
    }

    @Test
    void optimizer_state_round_trip_resumes_training_exactly() throws IOException {
        TrainingTest.Quadrants data = new TrainingTest.Quadrants(16, 1);
        Sequential a = TrainingTest.smallConvNet(2);
        Adam adamA = new Adam();
        Path path = trainOneEpochAndSave(data, a, adamA, "resume.safetensors");

        Sequential b = TrainingTest.smallConvNet(9);
        Adam adamB = new Adam();
        Checkpoint.load(path, b, adamB);
        assertEquals(2, adamB.iterations());
        a.fit(data.images, data.labels, new TrainingOptions(8, 1, 6), adamA, TrainingListener.NONE);
        b.fit(data.images, data.labels, new TrainingOptions(8, 1, 6), adamB, TrainingListener.NONE);
        assertParameters(snapshot(a), b);

        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(path, b, new SGD(0.1f)));
        assertTrue(e.getMessage().contains("holds Adam state, not SGD"), e.getMessage());
        Path plain = dir.resolve("plain.safetensors");
        Checkpoint.save(plain, a);
        e = assertThrows(IOException.class, () -> Checkpoint.load(plain, b, new Adam()));
        assertTrue(e.getMessage().contains("no optimizer state"), e.getMessage());
        Checkpoint.load(path, b); // parameters only: the optimizer tensors are skipped
    }

    /** Momentum's velocities, like Adam's moments: were they dropped, the resumed steps would differ. */
    @Test
    void momentum_state_round_trip_resumes_training_exactly() throws IOException {
        TrainingTest.Quadrants data = new TrainingTest.Quadrants(16, 1);
        Sequential a = TrainingTest.smallConvNet(2);
        Momentum momentumA = new Momentum(0.05f, 0.9f);
        Path path = trainOneEpochAndSave(data, a, momentumA, "momentum.safetensors");

        Sequential b = TrainingTest.smallConvNet(9);
        Momentum momentumB = new Momentum(0.05f, 0.9f);
        Checkpoint.load(path, b, momentumB);
        assertEquals(2, momentumB.iterations());
        a.fit(data.images, data.labels, new TrainingOptions(8, 1, 6), momentumA, TrainingListener.NONE);
        b.fit(data.images, data.labels, new TrainingOptions(8, 1, 6), momentumB, TrainingListener.NONE);
        assertParameters(snapshot(a), b);

        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(path, b, new Adam()));
        assertTrue(e.getMessage().contains("holds Momentum state, not Adam"), e.getMessage());
    }

    @Test
    void a_run_resumed_from_a_checkpoint_ends_with_the_uninterrupted_runs_weights() throws IOException {
        TrainingTest.Quadrants data = new TrainingTest.Quadrants(24, 3);
        TrainingOptions threeEpochs = new TrainingOptions(8, 3, 7);
        Sequential uninterrupted = TrainingTest.smallConvNet(2);
        List<EpochResult> expected = uninterrupted.fit(data.images, data.labels, threeEpochs, new Adam(),
                TrainingListener.NONE);

        Sequential first = TrainingTest.smallConvNet(2);
        Adam firstAdam = new Adam();
        first.fit(data.images, data.labels, new TrainingOptions(8, 1, 7), firstAdam, TrainingListener.NONE);
        Path path = dir.resolve("epoch-1.safetensors");
        Checkpoint.save(path, first, firstAdam);

        Sequential resumed = TrainingTest.smallConvNet(9);
        Adam resumedAdam = new Adam();
        Checkpoint.load(path, resumed, resumedAdam);
        List<EpochResult> rest = resumed.fit(data.images, data.labels, new TrainingOptions(8, 3, 7, 1), resumedAdam,
                TrainingListener.NONE);

        assertParameters(snapshot(uninterrupted), resumed);
        assertEquals(List.of(2, 3), rest.stream().map(EpochResult::epoch).toList());
        for (int i = 0; i < rest.size(); i++) {
            assertEquals(expected.get(i + 1).loss(), rest.get(i).loss(), "mean loss of epoch " + (i + 2));
        }
    }

    @Test
    void the_callers_metadata_is_saved_beside_the_checkpoints_own() throws IOException {
        Sequential model = tiny(1);
        Adam adam = new Adam();
        Path path = dir.resolve("with-metadata.safetensors");
        Map<String, String> mine = new LinkedHashMap<>();
        mine.put("epoch", "3");
        mine.put("run", "batch 100, seed 42");
        Checkpoint.save(path, model, adam, mine);

        Map<String, String> back = Checkpoint.metadata(path);
        assertEquals("3", back.get("epoch"));
        assertEquals("batch 100, seed 42", back.get("run"));
        assertEquals("Adam", back.get("optimizer"));
        assertEquals("0", back.get("optimizer.iterations"));
        assertEquals(model.toString(), back.get("model"));
        Checkpoint.load(path, tiny(2), new Adam());

        for (String reserved : List.of("format", "model", "optimizer", "optimizer.iterations", "optimizer.mine")) {
            Path other = dir.resolve("reserved.safetensors");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(other, model, adam, Map.of(reserved, "x")));
            assertEquals("metadata key '" + reserved + "' is one Checkpoint writes itself", e.getMessage());
            assertTrue(Files.notExists(other), "nothing written for " + reserved);
        }
    }

    @Test
    void a_parameters_only_checkpoint_writes_its_metadata_in_a_fixed_order() throws IOException {
        Path path = dir.resolve("parameters.safetensors");
        Checkpoint.save(path, tiny(1));
        // In a fixed order, so that the same model gives the same bytes in every JVM.
        assertEquals(List.of("format", "model"), List.copyOf(Checkpoint.metadata(path).keySet()));
    }

    /** A file as the Python package writes one with other dtypes: an I64 scalar step and an F16 vector. */
    private Path otherDtypes(String name) throws IOException {
        String header = "{\"__metadata__\":{\"source\":\"python\"},"
                + "\"half\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[8,14]},"
                + "\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}";
        return file(name, header, new byte[14]);
    }

    @Test
    void metadata_reads_any_valid_file_but_load_takes_only_f32() throws IOException {
        Path path = otherDtypes("other.safetensors");
        assertEquals(Map.of("source", "python"), Checkpoint.metadata(path));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(path));
        assertEquals("cannot read the safetensors file " + path + ": tensor \"half\" has dtype F16; only F32 is"
                + " supported", e.getMessage());
    }

    @Test
    void metadata_checks_the_header_without_reading_the_data() throws IOException {
        Path path = otherDtypes("unknown.safetensors");
        Files.write(path, new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1).replace("I64", "I65")
                .getBytes(StandardCharsets.ISO_8859_1));
        IOException unknown = assertThrows(IOException.class, () -> Checkpoint.metadata(path));
        assertEquals("not a valid safetensors file " + path + ": tensor \"step\" has unknown dtype I65",
                unknown.getMessage());

        // 3 GiB of data, a sparse file: more than read takes, and no reason for metadata to read it.
        Path large = dir.resolve("large.safetensors");
        String header = "{\"__metadata__\":{\"size\":\"3 GiB\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[805306368],\"data_offsets\":[0,3221225472]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(large, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SPARSE)) {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length));
            channel.write(ByteBuffer.wrap(json));
            channel.write(ByteBuffer.allocate(1), 8L + json.length + 3221225472L - 1);
        }
        assertEquals(Map.of("size", "3 GiB"), Checkpoint.metadata(large));
        IOException tooLarge = assertThrows(IOException.class, () -> SafeTensors.read(large));
        assertEquals("cannot read the safetensors file " + large + ": its data section of 3221225472 bytes is"
                + " larger than the 2147483647 this reader takes (one Java array)", tooLarge.getMessage());
    }

    @Test
    void a_header_larger_than_read_accepts_is_refused_and_the_old_file_kept() throws IOException {
        Sequential model = tiny(1);
        Path path = dir.resolve("kept.safetensors");
        Checkpoint.save(path, model);
        byte[] before = Files.readAllBytes(path);
        // Alone, the note fills the header limit; with the tensors' entries it passes it.
        String note = "x".repeat((int) SafeTensors.MAX_HEADER_BYTES - 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(path, model, new Adam(), Map.of("note", note)));
        assertTrue(e.getMessage().startsWith("the header would be "), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(path));
    }

    @Test
    void an_initial_epoch_that_leaves_nothing_to_train_is_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(8, 3, 7, 3));
        assertEquals("initialEpoch must be from 0 to epochs - 1 = 2, got 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(8, 3, 7, -1));
    }

    @Test
    void optimizer_state_with_a_negative_or_missing_step_count_is_rejected_and_changes_nothing() throws IOException {
        Path good = trainOneEpochAndSave(new TrainingTest.Quadrants(16, 1), TrainingTest.smallConvNet(2), new Adam(),
                "good.safetensors");
        SafeTensors.Contents contents = SafeTensors.read(good);
        for (String iterations : new String[] {"-5", "2.5", null}) {
            Map<String, String> metadata = new java.util.HashMap<>(contents.metadata());
            if (iterations == null) {
                metadata.remove("optimizer.iterations");
            } else {
                metadata.put("optimizer.iterations", iterations);
            }
            Path bad = dir.resolve("bad.safetensors");
            SafeTensors.write(bad, contents.tensors(), metadata);
            Sequential model = TrainingTest.smallConvNet(9);
            List<float[]> before = snapshot(model);
            Adam fresh = new Adam();
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(bad, model, fresh));
            assertTrue(e.getMessage().contains(iterations == null ? "holds Adam state but no optimizer.iterations"
                    : "optimizer.iterations is " + (iterations.equals("-5") ? "negative: -5" : "not an integer: '2.5'")),
                    e.getMessage());
            assertParameters(before, model);
            assertEquals(0, fresh.iterations());
        }
    }

    @Test
    void failed_save_leaves_the_previous_checkpoint_intact_and_no_temporary_file() throws IOException {
        Sequential first = tiny(1);
        Path path = dir.resolve("model.safetensors");
        Checkpoint.save(path, first);
        byte[] before = Files.readAllBytes(path);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : tiny(2).parameters()) {
            tensors.put(p.name(), p.value());
        }
        IOException e = assertThrows(IOException.class,
                () -> SafeTensors.write(path, tensors, Map.of(), out -> new FailingStream(out, 40)));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(path));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(path), files.toList());
        }
        Sequential reloaded = tiny(3);
        Checkpoint.load(path, reloaded);
        assertParameters(snapshot(first), reloaded);
    }

    @Test
    void a_save_through_a_symbolic_link_replaces_the_file_it_names_and_keeps_its_permissions() throws IOException {
        Path real = dir.resolve("epoch-3.safetensors");
        Checkpoint.save(real, tiny(1));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path latest = Files.createSymbolicLink(dir.resolve("latest.safetensors"), real.getFileName());
        Sequential second = tiny(2);
        Checkpoint.save(latest, second);
        assertTrue(Files.isSymbolicLink(latest), "the link was replaced by a file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        Sequential reloaded = tiny(3);
        Checkpoint.load(real, reloaded);
        assertParameters(snapshot(second), reloaded);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "a temporary file was left behind");
        }
    }

    @Test
    void a_relative_link_climbs_from_its_real_directory() throws IOException {
        // alias -> x/y and x/y/latest -> ../ckpt: the file system reads the link as x/ckpt, not ./ckpt.
        Path y = Files.createDirectories(dir.resolve("x/y"));
        Path real = dir.resolve("x/ckpt.safetensors");
        Checkpoint.save(real, tiny(1));
        Files.createSymbolicLink(dir.resolve("alias"), Path.of("x/y"));
        Files.createSymbolicLink(y.resolve("latest"), Path.of("../ckpt.safetensors"));
        Sequential second = tiny(2);
        Checkpoint.save(dir.resolve("alias/latest"), second);
        Sequential reloaded = tiny(3);
        Checkpoint.load(real, reloaded);
        assertParameters(snapshot(second), reloaded);
        assertTrue(!Files.exists(dir.resolve("ckpt.safetensors")), "a stray file was written beside alias");
    }

    @Test
    void a_read_only_checkpoint_is_replaced_and_stays_read_only() throws IOException {
        Path path = dir.resolve("frozen.safetensors");
        Checkpoint.save(path, tiny(1));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r--r--r--"));
        Sequential second = tiny(2);
        Checkpoint.save(path, second);
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        Sequential reloaded = tiny(3);
        Checkpoint.load(path, reloaded);
        assertParameters(snapshot(second), reloaded);
    }

    @Test
    void a_save_to_a_directory_or_into_a_missing_one_fails_naming_the_target() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("adir"));
        IOException notAFile = assertThrows(IOException.class, () -> Checkpoint.save(directory, tiny(1)));
        assertTrue(notAFile.getMessage().contains(directory + ": exists and is not a regular file"), notAFile.getMessage());
        Path missing = dir.resolve("no/such/dir/model.safetensors");
        IOException noDirectory = assertThrows(IOException.class, () -> Checkpoint.save(missing, tiny(1)));
        assertTrue(noDirectory.getMessage().contains(missing.toString()), noDirectory.getMessage());
        IOException root = assertThrows(IOException.class, () -> Checkpoint.save(Path.of("/"), tiny(1)));
        assertTrue(root.getMessage().contains("names a root directory"), root.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(directory), files.toList());
        }
    }

    @Test
    void loading_a_directory_or_a_missing_file_fails_naming_it() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("not-a-checkpoint"));
        Sequential model = tiny(1);
        List<float[]> before = snapshot(model);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(directory, model));
        assertEquals("cannot read " + directory + " as a safetensors file: it is a directory", e.getMessage());
        e = assertThrows(IOException.class, () -> Checkpoint.metadata(directory));
        assertTrue(e.getMessage().contains(directory.toString()), e.getMessage());
        Path missing = dir.resolve("missing.safetensors");
        e = assertThrows(IOException.class, () -> Checkpoint.load(missing, model));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertParameters(before, model);
    }

    @Test
    void the_longest_file_name_the_file_system_allows_is_a_valid_target() throws IOException {
        Path path = dir.resolve("m".repeat(255 - ".safetensors".length()) + ".safetensors");
        Sequential model = tiny(1);
        Checkpoint.save(path, model);
        Sequential reloaded = tiny(2);
        Checkpoint.load(path, reloaded);
        assertParameters(snapshot(model), reloaded);
    }

    @Test
    void names_that_utf8_cannot_encode_are_rejected_before_any_write() {
        Path path = dir.resolve("bad.safetensors");
        Map<String, Tensor> tensors = Map.of("a\uD800b", new Tensor(new float[1], 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(path, tensors, Map.of()));
        assertTrue(e.getMessage().contains("tensor name") && e.getMessage().contains("lone surrogate"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(path, Map.of(), Map.of("note", "\uDC00")));
        assertTrue(!Files.exists(path));
    }

    /** Passes {@code limit} bytes through, then fails like a full disk. */
    private static final class FailingStream extends FilterOutputStream {
        private int remaining;

        FailingStream(OutputStream out, int limit) {
            super(out);
            remaining = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int pass = Math.min(len, remaining);
            out.write(b, off, pass);
            remaining -= pass;
            if (pass < len) {
                throw new IOException("disk full (simulated)");
            }
        }
    }

    // ---- corrupt and mismatched files: each must fail naming the problem and leave the model as it was ----

    private static final String KERNEL0 = "\"0.dense.kernel\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]}";
    private static final String BIAS0 = "\"0.dense.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}";
    private static final String KERNEL1 = "\"1.dense.kernel\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]}";
    private static final String BIAS1 = "\"1.dense.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[48,56]}";
    private static final byte[] DATA = floats(new float[14]);

    private void assertRejected(Path path, String expectedFragment) {
        Sequential model = tiny(1);
        List<float[]> before = snapshot(model);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(path, model));
        assertTrue(e.getMessage().contains(expectedFragment), "message '" + e.getMessage() + "' lacks '"
                + expectedFragment + "'");
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertParameters(before, model);
    }

    private Path header(String name, String... entries) throws IOException {
        return file(name, "{" + String.join(",", entries) + "}", DATA);
    }

    @Test
    void a_well_formed_hand_written_file_loads() throws IOException {
        Sequential model = tiny(1);
        Checkpoint.load(header("ok.safetensors", KERNEL0, BIAS0, KERNEL1, BIAS1), model);
        for (Parameter p : model.parameters()) {
            for (float v : p.values) {
                assertEquals(0f, v);
            }
        }
    }

    @Test
    void shorter_than_the_length_field() throws IOException {
        Path path = dir.resolve("short.safetensors");
        Files.write(path, new byte[] {1, 2, 3});
        assertRejected(path, "shorter than the 8-byte header length");
    }

    @Test
    void header_length_beyond_the_file() throws IOException {
        Path path = dir.resolve("long.safetensors");
        Files.write(path, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertRejected(path, "header length 1000 but only 8 bytes follow");
    }

    @Test
    void absurd_header_length() throws IOException {
        Path path = dir.resolve("huge.safetensors");
        Files.write(path, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertRejected(path, "header length 18446744073709551615 is outside");
    }

    @Test
    void header_is_not_json() throws IOException {
        assertRejected(file("json.safetensors", "{\"0.dense.kernel\":{\"dtype\":\"F32\",", DATA), "not valid JSON");
    }

    @Test
    void header_is_not_utf8() throws IOException {
        Path path = dir.resolve("utf.safetensors");
        Files.write(path, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4)
                .put(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}).array());
        assertRejected(path, "not valid UTF-8");
    }

    @Test
    void header_is_not_an_object() throws IOException {
        assertRejected(file("array.safetensors", "[1,2]", DATA), "not a JSON object");
    }

    @Test
    void duplicate_tensor_name() throws IOException {
        assertRejected(header("dup.safetensors", KERNEL0, KERNEL0, BIAS0, KERNEL1, BIAS1), "duplicate key");
    }

    @Test
    void unknown_tensor_name() throws IOException {
        assertRejected(header("unknown.safetensors", KERNEL0, BIAS0, KERNEL1,
                "\"2.dense.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[48,56]}"), "unknown tensor '2.dense.bias'");
    }

    @Test
    void missing_tensor() throws IOException {
        assertRejected(file("missing.safetensors", "{" + KERNEL0 + "," + BIAS0 + "," + KERNEL1 + "}", floats(new float[12])),
                "missing tensor '1.dense.bias'");
    }

    @Test
    void wrong_shape() throws IOException {
        assertRejected(header("shape.safetensors", KERNEL0.replace("[3,2]", "[2,3]"), BIAS0, KERNEL1, BIAS1),
                "tensor '0.dense.kernel' has shape [2, 3], the model expects [3, 2]");
    }

    @Test
    void wrong_dtype() throws IOException {
        assertRejected(header("dtype.safetensors", KERNEL0.replace("F32", "I32"), BIAS0, KERNEL1, BIAS1),
                "has dtype I32; only F32 is supported");
        assertRejected(header("unknown-dtype.safetensors", KERNEL0.replace("F32", "F17"), BIAS0, KERNEL1, BIAS1),
                "tensor \"0.dense.kernel\" has unknown dtype F17");
    }

    @Test
    void offsets_disagree_with_shape() throws IOException {
        assertRejected(header("size.safetensors", KERNEL0.replace("[0,24]", "[0,20]"), BIAS0, KERNEL1, BIAS1),
                "hold 20 bytes but shape [3, 2] of F32 needs 24");
    }

    @Test
    void offsets_overlap() throws IOException {
        String bias0 = BIAS0.replace("[24,32]", "[20,28]");
        String kernel1 = KERNEL1.replace("[32,48]", "[28,44]");
        String bias1 = BIAS1.replace("[48,56]", "[44,52]");
        assertRejected(file("overlap.safetensors", "{" + KERNEL0 + "," + bias0 + "," + kernel1 + "," + bias1 + "}",
                floats(new float[13])), "overlap");
    }

    @Test
    void offsets_leave_a_gap() throws IOException {
        String bias1 = BIAS1.replace("[48,56]", "[52,60]");
        assertRejected(file("gap.safetensors", "{" + KERNEL0 + "," + BIAS0 + "," + KERNEL1 + "," + bias1 + "}",
                floats(new float[15])), "gap in the data section: bytes 48 to 52");
    }

    @Test
    void offsets_past_the_end_of_the_data() throws IOException {
        assertRejected(file("past.safetensors", "{" + KERNEL0 + "," + BIAS0 + "," + KERNEL1 + "," + BIAS1 + "}",
                floats(new float[13])), "truncated: tensors need 56 data bytes, the file has 52");
    }

    @Test
    void negative_offsets() throws IOException {
        assertRejected(header("negative.safetensors", KERNEL0.replace("[0,24]", "[-8,16]"), BIAS0, KERNEL1, BIAS1),
                "invalid data_offsets [-8, 16]");
    }

    @Test
    void trailing_bytes_after_the_tensors() throws IOException {
        assertRejected(file("trailing.safetensors", "{" + KERNEL0 + "," + BIAS0 + "," + KERNEL1 + "," + BIAS1 + "}",
                floats(new float[15])), "data section has 60 bytes but the tensors cover only 56");
    }

    @Test
    void truncated_real_checkpoint() throws IOException {
        Path path = dir.resolve("cut.safetensors");
        Checkpoint.save(path, tiny(5));
        byte[] bytes = Files.readAllBytes(path);
        Files.write(path, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertRejected(path, "truncated");
    }

    @Test
    void fields_the_reference_reader_ignores_are_ignored() throws IOException {
        // safetensors' Rust reader: serde without deny_unknown_fields, and __metadata__ an Option.
        Sequential model = tiny(1);
        Checkpoint.load(header("lenient.safetensors", "\"__metadata__\":null",
                KERNEL0.replace("\"dtype\"", "\"note\":[1,{\"x\":null}],\"dtype\""), BIAS0, KERNEL1, BIAS1), model);
        assertEquals(Map.of(), SafeTensors.read(header("null-metadata.safetensors", "\"__metadata__\":null", KERNEL0,
                BIAS0, KERNEL1, BIAS1)).metadata());
    }

    @Test
    void a_minus_zero_size_or_offset_is_not_an_integer() throws IOException {
        // serde_json reads -0 as a float, which a usize field refuses.
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(header("minus-zero.safetensors",
                KERNEL0.replace("[0,24]", "[-0,24]"), BIAS0, KERNEL1, BIAS1)));
        assertTrue(e.getMessage().contains("data_offsets holds -0.0, not an integer"), e.getMessage());
    }

    @Test
    void data_past_what_read_takes_is_refused_and_nothing_written() throws IOException {
        // One 4 MiB tensor under 513 names: 2,151,677,952 bytes of data from 4 MiB of heap.
        Tensor block = new Tensor(new float[1 << 20], 1 << 20);
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 513; i++) {
            tensors.put("t" + i, block);
        }
        Path big = dir.resolve("big.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(big, tensors, Map.of()));
        assertEquals("the tensors hold 2151677952 bytes of data, more than the 2147483647 a file may have here"
                + " (2 GiB, one Java array)", e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "neither the file nor a temporary one");
        }
    }

    @Test
    void metadata_value_is_not_a_string() throws IOException {
        assertRejected(header("meta.safetensors", "\"__metadata__\":{\"step\":3}", KERNEL0, BIAS0, KERNEL1, BIAS1),
                "__metadata__ value of \"step\" is not a string");
    }

    @Test
    void malformed_shape_and_offsets_fields() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String broken : List.of(KERNEL0.replace("[3,2]", "\"3x2\""), KERNEL0.replace("[3,2]", "[3,2.5]"),
                KERNEL0.replace("[0,24]", "[0]"), KERNEL0.replace("\"dtype\":\"F32\",", ""))) {
            Path path = header("malformed" + problems.size() + ".safetensors", broken, BIAS0, KERNEL1, BIAS1);
            IOException e = assertThrows(IOException.class, () -> SafeTensors.read(path));
            problems.add(e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
        assertEquals(List.of("tensor \"0.dense.kernel\" shape is missing or not an array",
                "tensor \"0.dense.kernel\" shape holds 2.5, not an integer",
                "tensor \"0.dense.kernel\" data_offsets has 1 values, expected 2",
                "tensor \"0.dense.kernel\" has no string dtype"), problems);
    }
}
