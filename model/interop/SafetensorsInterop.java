import dev.vectorcnn.kernels.Padding;
import dev.vectorcnn.model.Activation;
import dev.vectorcnn.model.Adam;
import dev.vectorcnn.model.Checkpoint;
import dev.vectorcnn.model.Conv2D;
import dev.vectorcnn.model.Dense;
import dev.vectorcnn.model.Flatten;
import dev.vectorcnn.model.MaxPool2D;
import dev.vectorcnn.model.Parameter;
import dev.vectorcnn.model.SafeTensors;
import dev.vectorcnn.model.Sequential;
import dev.vectorcnn.model.TrainingListener;
import dev.vectorcnn.model.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * The Java side of check_safetensors.py (run that, not this): {@code save OUT BITS} trains a small
 * network three Adam steps, saves a checkpoint with optimizer state and writes, as JSON to BITS, the
 * shape and float bits of every tensor it saved: the parameters from the model, Adam's state as
 * {@link SafeTensors#read} reads it back; {@code roundtrip IN OUT} loads IN into the same network and
 * optimizer and saves it again to OUT.
 */
public final class SafetensorsInterop {

    private SafetensorsInterop() {
    }

    /** The tutorial's network at a quarter of its width, so that a check takes moments. */
    private static Sequential network() {
        return Sequential.builder(28, 28, 1)
                .add(new Conv2D(8, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
                .add(new Conv2D(16, 3, 3).strides(2, 2).padding(Padding.SAME).activation(Activation.RELU))
                .add(new MaxPool2D(2, 2).strides(2, 2).padding(Padding.VALID))
                .add(new Flatten())
                .add(new Dense(20, Activation.RELU))
                .add(new Dense(10))
                .build(5);
    }

    public static void main(String[] args) throws IOException {
        Sequential model = network();
        Adam adam = new Adam(0.001f);
        switch (args[0]) {
            case "save" -> {
                SplittableRandom random = new SplittableRandom(9);
                float[] images = new float[30 * 28 * 28];
                int[] labels = new int[30];
                for (int i = 0; i < images.length; i++) {
                    images[i] = (float) random.nextDouble();
                }
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = random.nextInt(10);
                }
                model.fit(images, labels, new TrainingOptions(10, 1, 3), adam, TrainingListener.NONE);
                Checkpoint.save(Path.of(args[1]), model, adam, Map.of("written.by", "java"));
                StringJoiner json = new StringJoiner(",\n", "{\n", "\n}\n");
                Set<String> parameterNames = new HashSet<>();
                for (Parameter parameter : model.parameters()) {
                    json.add(entry(parameter.name(), parameter.shape(), parameter.value().data()));
                    parameterNames.add(parameter.name());
                }
                // Adam's state has no public getter: its tensors as this library's own reader reads them back.
                SafeTensors.read(Path.of(args[1])).tensors().forEach((name, tensor) -> {
                    if (!parameterNames.contains(name)) {
                        json.add(entry(name, tensor.shape(), tensor.data()));
                    }
                });
                Files.writeString(Path.of(args[2]), json.toString());
            }
            case "roundtrip" -> {
                Checkpoint.load(Path.of(args[1]), model, adam);
                Checkpoint.save(Path.of(args[2]), model, adam, Map.of("written.by", "java roundtrip"));
            }
            default -> throw new IllegalArgumentException("usage: save OUT BITS | roundtrip IN OUT");
        }
    }

    /** {@code "name": {"shape": [...], "bits": [...]}}, the floats as their raw int bits. */
    private static String entry(String name, int[] shape, float[] values) {
        StringJoiner bits = new StringJoiner(",", "[", "]");
        for (float value : values) {
            bits.add(Integer.toString(Float.floatToRawIntBits(value)));
        }
        return "\"" + name + "\": {\"shape\": " + Arrays.toString(shape) + ", \"bits\": " + bits + "}";
    }
}
