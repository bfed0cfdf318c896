package dev.vectorcnn.examples;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The names of the trainer's per-epoch checkpoints, {@code mnist-epoch-NN.safetensors} (epochs from 1). */
final class CheckpointFiles {

    /** Exactly the names {@link #of} gives: two digits at least, no other leading zero. */
    private static final Pattern NAME = Pattern.compile("mnist-epoch-(0[1-9]|[1-9][0-9]{1,8})\\.safetensors");

    private CheckpointFiles() {
    }

    /** The checkpoint written after {@code epoch} in {@code directory}. */
    static Path of(Path directory, int epoch) {
        return directory.resolve(String.format(Locale.ROOT, "mnist-epoch-%02d.safetensors", epoch));
    }

    /**
     * The epochs of the regular files in {@code directory} named as {@link #of} names them (what a file
     * holds is not read).
     *
     * @throws IOException if the directory cannot be listed
     */
    static SortedSet<Integer> epochsIn(Path directory) throws IOException {
        SortedSet<Integer> epochs = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches() && Files.isRegularFile(file)) {
                    epochs.add(Integer.parseInt(name.group(1)));
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return epochs;
    }
}
