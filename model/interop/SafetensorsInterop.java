import dev.vectorcnn.kernels.Padding;
import dev.vectorcnn.model.Activation;
import dev.vectorcnn.model.Adam;
import dev.vectorcnn.model.Checkpoint;
import dev.vectorcnn.model.Conv2D;
import dev.vectorcnn.model.Dense;
import dev.vectorcnn.model.Flatten;
import dev.vectorcnn.model.MaxPool2D;
import dev.vectorcnn.model.Parameter;
import dev.vectorcnn.model.Sequential;
import dev.vectorcnn.model.TrainingListener;
import dev.vectorcnn.model.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * The Java side of check_safetensors.py (run that, not this): {@code save OUT BITS} trains a small
 * network three Adam steps, saves a checkpoint with optimizer state and writes every parameter's float
 * bits as JSON to BITS; {@code roundtrip IN OUT} loads IN into the same network and optimizer and saves
 * it again to OUT.
 */
public final class SafetensorsInterop {

    private SafetensorsInterop() {
    }

    /** The tutorial's network at a third of its width, so that a check takes moments. */
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
                for (Parameter parameter : model.parameters()) {
                    StringJoiner bits = new StringJoiner(",", "[", "]");
                    for (float value : parameter.value().data()) {
                        bits.add(Integer.toString(Float.floatToRawIntBits(value)));
                    }
                    json.add("\"" + parameter.name() + "\": " + bits);
                }
                Files.writeString(Path.of(args[2]), json.toString());
            }
            case "roundtrip" -> {
                Checkpoint.load(Path.of(args[1]), model, adam);
                Checkpoint.save(Path.of(args[2]), model, adam, Map.of("written.by", "java roundtrip"));
            }
            default -> throw new IllegalArgumentException("usage: save OUT BITS | roundtrip IN OUT");
        }
    }
}
