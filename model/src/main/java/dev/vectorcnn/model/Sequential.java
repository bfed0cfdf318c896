package dev.vectorcnn.model;

import dev.vectorcnn.kernels.Accuracy;
import dev.vectorcnn.kernels.KernelThreads;
import dev.vectorcnn.kernels.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A stack of layers, each feeding the next, with its parameters: the Java counterpart of
 * {@code tf.keras.Sequential}. Shapes are checked when the model is built, so a layer that does not
 * fit its input fails there and names both shapes.
 *
 * <pre>{@code
 * Sequential model = Sequential.builder(28, 28, 1)
 *         .add(new Conv2D(32, 3, 3).padding(Padding.SAME).activation(Activation.RELU))
 *         .add(new MaxPool2D(2, 2))
 *         .add(new Flatten())
 *         .add(new Dense(10))
 *         .build(42);
 * model.fit(images, labels, new TrainingOptions(100, 10, 42), new Adam(), TrainingListener.NONE);
 * float[] probabilities = model.predict(testImages, 100);
 * }</pre>
 *
 * <p>The loss is sparse softmax cross-entropy on the last layer's output taken as logits (a final
 * {@link Softmax} layer is folded into it). Training ({@link #fit}) reuses its buffers from batch to
 * batch (see {@link #MAX_TRAINING_PASS}) and is not thread-safe. Inference ({@link #predict},
 * {@link #evaluate}) borrows buffers that no other call holds (reused across calls, see
 * {@link WorkspacePool}) and only reads the parameters, so any number of
 * threads may run it at once, as long as no {@code fit} or checkpoint load runs at the same time: inference
 * that starts on another thread while one runs, or overlaps one, fails with {@link IllegalStateException}
 * rather than return results that mix old and new parameters (the training thread itself may run
 * inference from its listener), and so does a second {@code fit} or load.
 */
public final class Sequential {

    private final List<Layer> layers;
    /** {@code shapes[i]} is the per-example input shape of layer i; {@code shapes[layers]} the output. */
    private final int[][] shapes;
    private final List<Parameter> parameters;
    /** The parameter arrays of each layer, in the layer's order. */
    private final float[][][] layerParams;
    /** The index of the activation holding the logits: the output, or the input of a final Softmax. */
    private final int logitsIndex;
    /** The thread writing the parameters now ({@code fit}, a checkpoint load), or null. */
    private final AtomicReference<Thread> writer = new AtomicReference<>();
    /** What {@link #writer} is doing, for messages. */
    private volatile String writing = "";
    /**
     * Parameter writes begun plus writes ended, so odd while one runs: a reader that sees it odd, or
     * changed by the time it ends, overlapped a write (a sequence lock's count).
     */
    private final AtomicLong writes = new AtomicLong();

    /**
     * The most examples one inference pass holds. Smaller passes keep their activations in cache:
     * measured on the MNIST network (1 thread), 1000 images ran 1.3x faster as ten passes of 100 than
     * as one of 1000 (1.2x on 2 threads), and 3-4% faster again as twenty passes of 50 (1 and 2
     * threads, 5 interleaved rounds; passes of 25 were no faster than passes of 100). Each example's
     * result does not depend on the pass size. Within a pass the leading image layers run in smaller
     * sub-passes still ({@link LocalPasses}).
     */
    static final int MAX_INFERENCE_PASS = 50;

    /** Passes per kernel thread from which inference runs whole passes side by side (see {@link #forEachPass}). */
    private static final int PASSES_PER_THREAD = 4;

    /**
     * The most examples one training pass holds. A batch trains in passes of at most this many examples,
     * as equal as they can be (a batch of 100: two of 50), and the passes' gradients are added in pass
     * order, so the result depends on the batch size only. When the number of passes is a multiple of the
     * kernel threads, the passes run side by side, one per thread at a time, and no kernel inside a pass
     * forks and joins; otherwise they run one after another with every kernel split over the threads.
     * Either way the buffers are one workspace of at most this many examples and one set of parameter
     * gradients per pass running at once, plus the batch's sum. The MNIST network's training step (batch
     * 100, JMH, 3 interleaved rounds): 2 threads 89.8-93.9 steps/s in passes of 50 against 81.3-83.4 in one
     * pass of 100 (every kernel split in two) and 86.5-90.2 in passes of 25; 1 thread 45.4-51.3, 47.1-52.2
     * and 44.8-46.2.
     */
    static final int MAX_TRAINING_PASS = 50;

    /** The buffers of the passes that run at once, reused from batch to batch (see {@link #trainingSlots}). */
    private TrainingPass[] slots = new TrainingPass[0];
    /** dLoss/dParameter of the current batch: the first pass writes here, the others are added to it. */
    private ParameterGradients gradientSum;
    private final WorkspacePool inference;
    /** How inference cuts its passes for the leading image layers. */
    private final LocalPasses localPasses;

    private Sequential(List<Layer> layers, int[][] shapes, long seed) {
        this.layers = List.copyOf(layers);
        this.shapes = shapes;
        this.logitsIndex = logitsIndex(layers);
        List<Parameter> all = new ArrayList<>();
        layerParams = new float[layers.size()][][];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            List<ParameterSpec> specs = layer.parameters(shapes[i]);
            layerParams[i] = new float[specs.size()][];
            for (int j = 0; j < specs.size(); j++) {
                ParameterSpec spec = specs.get(j);
                Parameter parameter;
                try {
                    parameter = new Parameter(i + "." + layer.typeName() + "." + spec.name(), spec.shape());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layer " + i + " " + layer + " on input "
                            + Shapes.text(shapes[i]) + ": " + spec.name() + " " + e.getMessage(), e);
                }
                initialize(spec, parameter.values, random);
                all.add(parameter);
                layerParams[i][j] = parameter.values;
            }
        }
        parameters = Collections.unmodifiableList(all);
        localPasses = LocalPasses.of(this.layers, shapes, logitsIndex);
        inference = new WorkspacePool(this.layers, shapes, localPasses);
    }

    /** Which activation holds the logits: the model's output, or the input of a final {@link Softmax}. */
    private static int logitsIndex(List<Layer> layers) {
        return layers.get(layers.size() - 1) instanceof Softmax ? layers.size() - 1 : layers.size();
    }

    private static void initialize(ParameterSpec spec, float[] values, SplittableRandom random) {
        if (spec.initializer() == ParameterSpec.Initializer.GLOROT_UNIFORM) {
            double limit = Math.sqrt(6.0 / (spec.fanIn() + spec.fanOut()));
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
        }
    }

    /**
     * Starts a model whose examples have {@code inputShape}, e.g. {@code (28, 28, 1)}.
     *
     * @param inputShape the per-example shape without the batch axis: at least one dimension, each {@code > 0}
     * @return a builder with no layers yet
     */
    public static Builder builder(int... inputShape) {
        return new Builder(inputShape);
    }

    /** Collects layers; {@link #build} checks their shapes and initialises the parameters. */
    public static final class Builder {
        private final int[] inputShape;
        private final List<Layer> layers = new ArrayList<>();

        private Builder(int[] inputShape) {
            LayerChecks.notNull("inputShape", inputShape);
            if (inputShape.length == 0) {
                throw new IllegalArgumentException("inputShape must have at least one dimension");
            }
            for (int i = 0; i < inputShape.length; i++) {
                if (inputShape[i] <= 0) {
                    throw new IllegalArgumentException("inputShape[" + i + "] must be > 0, got " + inputShape[i]
                            + " in " + Shapes.text(inputShape));
                }
            }
            this.inputShape = inputShape.clone();
        }

        /**
         * Appends {@code layer}.
         *
         * @param layer the next layer, not null
         * @return this builder
         */
        public Builder add(Layer layer) {
            layers.add(LayerChecks.notNull("layer", layer));
            return this;
        }

        /**
         * Infers every layer's shapes and initialises the parameters from {@code seed} (Glorot-uniform
         * kernels, zero biases, as TensorFlow); the same seed gives the same weights.
         *
         * @param seed seed of the initial weights
         * @return a new model, ready to train
         * @throws IllegalArgumentException naming the layer, its input shape and where that came from,
         *     when a layer does not fit; when a {@link Softmax} is not last; or when the logits (the last
         *     output, or the input of a final Softmax) are not flat
         */
        public Sequential build(long seed) {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("a model needs at least one layer");
            }
            int[][] shapes = new int[layers.size() + 1][];
            shapes[0] = inputShape.clone();
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                String source = i == 0 ? "the model input" : "layer " + (i - 1) + " " + layers.get(i - 1);
                if (layer instanceof Softmax && i != layers.size() - 1) {
                    throw new IllegalArgumentException("layer " + i + " " + layer + " must be the last layer (it is "
                            + "folded into the loss during training)");
                }
                try {
                    shapes[i + 1] = layer.outputShape(shapes[i]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layer " + i + " " + layer + " does not fit the output "
                            + Shapes.text(shapes[i]) + " of " + source + ": " + e.getMessage(), e);
                }
            }
            int[] logits = shapes[logitsIndex(layers)];
            if (logits.length != 1) {
                throw new IllegalArgumentException("the loss needs flat logits [classes] from the last layer, got "
                        + Shapes.text(logits) + " (end the model with Flatten and Dense)");
            }
            return new Sequential(layers, shapes, seed);
        }
    }

    /**
     * The per-example input shape.
     *
     * @return a copy of the shape given to {@link #builder}, e.g. {@code [28, 28, 1]}
     */
    public int[] inputShape() {
        return shapes[0].clone();
    }

    /**
     * The per-example output shape.
     *
     * @return a copy, {@code [classes]}
     */
    public int[] outputShape() {
        return shapes[layers.size()].clone();
    }

    /**
     * The layers, in order.
     *
     * @return an unmodifiable list, the first layer first
     */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * Every parameter, layer by layer, in a fixed order (the checkpoint order).
     *
     * @return an unmodifiable list, empty for a model without trainable layers
     */
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The total number of trainable scalars.
     *
     * @return the sum of {@link Parameter#size()} over {@link #parameters()}
     */
    public long parameterCount() {
        return parameters.stream().mapToLong(Parameter::size).sum();
    }

    /**
     * One line per layer with its output shape and parameter count, like Keras' {@code summary()}.
     *
     * @return an input line, the layer lines and a total line, without a final line break
     */
    public String summary() {
        StringBuilder text = new StringBuilder("input ").append(Shapes.text(shapes[0])).append('\n');
        for (int i = 0; i < layers.size(); i++) {
            long count = layers.get(i).parameters(shapes[i]).stream()
                    .mapToLong(spec -> Shapes.size(spec.shape())).sum();
            text.append(String.format("%-2d %-50s -> %-16s %,10d params%n", i, layers.get(i),
                    Shapes.text(shapes[i + 1]), count));
        }
        return text.append(String.format("total %,d params", parameterCount())).toString();
    }

    @Override
    public String toString() {
        return "Sequential" + layers;
    }

    // ---- training ----

    /**
     * Trains on {@code images [n, ...inputShape]} (flat, row-major) with integer {@code labels [n]},
     * minimising sparse softmax cross-entropy with {@code optimizer}. Each epoch visits the examples
     * in an order shuffled from {@code options.shuffleSeed()}; the same seed, data, initial weights
     * and optimizer give bitwise identical weights for any kernel thread count. A run resumed from
     * {@code options.initialEpoch()} trains only the epochs after it, in the orders they would have had.
     *
     * @param images    the examples, {@code [n, ...inputShape]} row-major in one array, {@code n >= 1}
     * @param labels    one class index per example, each in {@code [0, classes)}
     * @param options   batch size, epochs, shuffle seed and the epoch to resume after
     * @param optimizer updates the parameters after every batch; use one optimizer per model
     * @param listener  told of every batch and epoch, {@link TrainingListener#NONE} for none
     * @return one result per epoch trained, numbered from {@code options.initialEpoch() + 1}
     */
    public List<EpochResult> fit(float[] images, int[] labels, TrainingOptions options, Optimizer optimizer,
            TrainingListener listener) {
        LayerChecks.notNull("options", options);
        LayerChecks.notNull("optimizer", optimizer);
        LayerChecks.notNull("listener", listener);
        int count = checkData(images, labels);
        boolean began = beginWrite("fit");
        try {
            return train(images, labels, count, options, optimizer, listener);
        } finally {
            endWrite(began);
        }
    }

    private List<EpochResult> train(float[] images, int[] labels, int count, TrainingOptions options,
            Optimizer optimizer, TrainingListener listener) {
        int batchSize = Math.min(options.batchSize(), count);
        int inputSize = Shapes.intSize(shapes[0]);
        int batches = (count + batchSize - 1) / batchSize;
        int[] order = new int[count];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(options.shuffleSeed());
        // Each epoch shuffles the previous epoch's order, so a resumed run replays the skipped shuffles.
        for (int epoch = 1; epoch <= options.initialEpoch(); epoch++) {
            shuffle(order, random);
        }
        // Grown as epochs end: a caller may ask for Integer.MAX_VALUE epochs and stop from its listener.
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = options.initialEpoch() + 1; epoch <= options.epochs(); epoch++) {
            shuffle(order, random);
            long start = System.nanoTime();
            long listenerNanos = 0;
            double lossSum = 0;
            long correctSum = 0;
            double lastAccuracy = 0;
            for (int batch = 0; batch < batches; batch++) {
                int first = batch * batchSize;
                int size = Math.min(batchSize, count - first);
                BatchTotals totals = lossAndGradients(batchSize, size, (ws, firstInBatch, rows) -> {
                    for (int row = 0; row < rows; row++) {
                        int example = order[first + firstInBatch + row];
                        System.arraycopy(images, example * inputSize, ws.activations[0], row * inputSize, inputSize);
                        ws.labels[row] = labels[example];
                    }
                });
                float loss = totals.loss();
                int correct = totals.correct();
                optimizer.apply(parameters, gradientSum.inOrder);
                lossSum += (double) loss * size;
                correctSum += correct;
                lastAccuracy = (double) correct / size;
                long before = System.nanoTime();
                listener.batchEnded(new BatchResult(epoch, batch + 1, batches, size, loss, lastAccuracy));
                listenerNanos += System.nanoTime() - before;
            }
            double seconds = (System.nanoTime() - start - listenerNanos) / 1e9;
            EpochResult result = new EpochResult(epoch, lossSum / count, (double) correctSum / count, lastAccuracy,
                    count, seconds);
            results.add(result);
            listener.epochEnded(result);
        }
        return results;
    }

    /** Fisher-Yates with a seeded generator, so the order depends only on the seed. */
    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    /** Passes for a batch of {@code size >= 1} examples: as few as hold at most {@link #MAX_TRAINING_PASS} each. */
    static int passCount(int size) {
        return (size - 1) / MAX_TRAINING_PASS + 1;
    }

    /** The first example of pass {@code pass} of {@code passes} over {@code size}: sizes differ by at most one. */
    private static int passStart(int pass, int passes, int size) {
        return (int) ((long) pass * size / passes);
    }

    /** Copies the examples of one pass, {@code rows} from {@code firstInBatch} of the batch, into {@code ws}. */
    @FunctionalInterface
    private interface PassLoader {
        void load(Workspace ws, int firstInBatch, int rows);
    }

    /** A batch's mean loss and its correctly classified examples. */
    private record BatchTotals(float loss, int correct) {
    }

    /**
     * At least {@code count} slots for passes of up to {@code capacity} examples, and the gradient sum,
     * allocated when first needed and then reused. More slots than a batch uses are kept rather than
     * dropped: the count changes within an epoch (a last, smaller batch may split into a number of passes
     * the threads divide when the others did not), and buffers dropped there would be allocated again on
     * the next batch.
     */
    private void trainingSlots(int count, int capacity) {
        if (gradientSum == null) {
            gradientSum = new ParameterGradients(layerParams);
        }
        if (slots.length < count || slots[0].workspace.capacity < capacity) {
            int kept = Math.max(count, slots.length);
            slots = new TrainingPass[0]; // let the old buffers go before the new ones are touched
            TrainingPass[] fresh = new TrainingPass[kept];
            for (int slot = 0; slot < kept; slot++) {
                fresh[slot] = new TrainingPass(layers, shapes, layerParams, capacity);
            }
            slots = fresh;
        }
    }

    /**
     * Forward and backward over a batch of {@code size} examples (of batches of up to {@code batchSize}),
     * in passes that {@code loader} fills: leaves dLoss/dParameter in {@link #gradientSum}.
     */
    private BatchTotals lossAndGradients(int batchSize, int size, PassLoader loader) {
        int passes = passCount(size);
        int threads = KernelThreads.threads();
        boolean sideBySide = threads > 1 && passes % threads == 0;
        int slotCount = sideBySide ? threads : 1;
        trainingSlots(slotCount, Math.min(batchSize, MAX_TRAINING_PASS));
        int classes = classes();
        double lossSum = 0;
        int correct = 0;
        for (int round = 0; round < passes; round += slotCount) {
            int firstPass = round;
            IntConsumer runPass = slot -> {
                int pass = firstPass + slot;
                TrainingPass part = slots[slot];
                Workspace ws = part.workspace;
                int firstInBatch = passStart(pass, passes, size);
                int rows = passStart(pass + 1, passes, size) - firstInBatch;
                loader.load(ws, firstInBatch, rows);
                forward(ws, rows, logitsIndex);
                // Read by the caller after forEachTask's join, which makes these writes visible.
                part.lossSum = SoftmaxCrossEntropy.forwardBackwardPart(rows, size, classes,
                        ws.activations[logitsIndex], ws.labels, ws.gradients[logitsIndex]);
                part.correct = Accuracy.top1Correct(rows, classes, ws.activations[logitsIndex], ws.labels);
                float[][][] grads = pass == 0 ? gradientSum.byLayer : part.gradients().byLayer;
                for (int i = logitsIndex - 1; i >= 0; i--) {
                    layers.get(i).backward(rows, shapes[i], ws.activations[i], ws.activations[i + 1],
                            ws.gradients[i + 1], layerParams[i], ws.gradients[i], grads[i], ws.saved[i]);
                }
            };
            if (sideBySide) {
                KernelThreads.forEachTask(slotCount, runPass);
            } else {
                runPass.accept(0);
            }
            // In pass order, so the result does not depend on which thread ran which pass.
            for (int slot = 0; slot < slotCount; slot++) {
                lossSum += slots[slot].lossSum;
                correct += slots[slot].correct;
                if (round + slot > 0) {
                    gradientSum.add(slots[slot].gradients());
                }
            }
        }
        return new BatchTotals((float) (lossSum / size), correct);
    }

    /**
     * For gradient checks: the mean loss over {@code images}/{@code labels} and, in the order of
     * {@link #parameters()}, its gradient with respect to every parameter (the arrays are overwritten by
     * the next {@code gradients} or {@code fit}).
     */
    float[][] gradients(float[] images, int[] labels, float[] lossOut) {
        int count = checkData(images, labels);
        int inputSize = Shapes.intSize(shapes[0]);
        lossOut[0] = lossAndGradients(count, count, (ws, firstInBatch, rows) -> {
            System.arraycopy(images, firstInBatch * inputSize, ws.activations[0], 0, rows * inputSize);
            System.arraycopy(labels, firstInBatch, ws.labels, 0, rows);
        }).loss();
        return gradientSum.inOrder;
    }

    private void forward(Workspace ws, int size, int upTo) {
        forward(ws, size, 0, upTo);
    }

    /** Layers {@code [from, upTo)} on {@code size} examples in {@code ws}, filling {@code ws.saved} when it has it. */
    private void forward(Workspace ws, int size, int from, int upTo) {
        for (int i = from; i < upTo; i++) {
            layers.get(i).forward(size, shapes[i], ws.activations[i], layerParams[i], ws.activations[i + 1],
                    ws.saved == null ? null : ws.saved[i]);
        }
    }

    // ---- inference ----

    /**
     * The inference forward pass through layers {@code [0, upTo)} of {@code size} examples: the
     * {@link LocalPasses} layers one sub-pass at a time when {@code ws} has buffers for them, gathering
     * their output into {@code ws}, then the rest on the whole pass.
     */
    private void inferenceForward(Workspace ws, int size, int upTo) {
        Workspace local = ws.local;
        if (local == null) {
            forward(ws, size, upTo);
            return;
        }
        int leading = localPasses.layers();
        int inputSize = Shapes.intSize(shapes[0]);
        int outputSize = Shapes.intSize(shapes[leading]);
        for (int first = 0; first < size; first += local.capacity) {
            int examples = Math.min(local.capacity, size - first);
            System.arraycopy(ws.activations[0], first * inputSize, local.activations[0], 0, examples * inputSize);
            forward(local, examples, leading);
            System.arraycopy(local.activations[leading], 0, ws.activations[leading], first * outputSize,
                    examples * outputSize);
        }
        forward(ws, size, leading, upTo);
    }

    /** The training passes' buffers as the last batch left them (see {@link #trainingSlots}). */
    TrainingPass[] trainingPasses() {
        return slots;
    }

    /** The inference buffers' sub-passes (see {@link LocalPasses}). */
    LocalPasses localPasses() {
        return localPasses;
    }

    /**
     * Mean softmax cross-entropy and accuracy over {@code images [n, ...inputShape]} and
     * {@code labels [n]}, computed at most {@code batchSize} (and at most {@value #MAX_INFERENCE_PASS})
     * examples at a time. The accuracy does not depend on that; the loss adds up each pass's mean,
     * rounded to float, so for batch sizes below {@value #MAX_INFERENCE_PASS} its last digits (about
     * 1e-7 relative) follow the pass size. Neither depends on the thread count. Thread-safe (see the
     * class comment).
     *
     * @param images    the examples, {@code [n, ...inputShape]} row-major in one array, {@code n >= 1}
     * @param labels    one class index per example, each in {@code [0, classes)}
     * @param batchSize the most examples per pass, {@code > 0}
     * @return mean loss, accuracy and example count over all {@code n} examples
     */
    public Evaluation evaluate(float[] images, int[] labels, int batchSize) {
        int count = checkData(images, labels);
        LayerChecks.positive("batchSize", batchSize);
        long writes = beginRead("evaluate");
        int capacity = Math.min(Math.min(batchSize, count), MAX_INFERENCE_PASS);
        int inputSize = Shapes.intSize(shapes[0]);
        int classes = classes();
        int passes = (count + capacity - 1) / capacity;
        double[] passLoss = new double[passes];
        long[] passCorrect = new long[passes];
        forEachPass(count, capacity, (ws, pass, first, size) -> {
            System.arraycopy(images, first * inputSize, ws.activations[0], 0, size * inputSize);
            System.arraycopy(labels, first, ws.labels, 0, size);
            inferenceForward(ws, size, logitsIndex);
            float[] logits = ws.activations[logitsIndex];
            passLoss[pass] = (double) SoftmaxCrossEntropy.forwardBackward(size, classes, logits, ws.labels, null) * size;
            passCorrect[pass] = Accuracy.top1Correct(size, classes, logits, ws.labels);
        });
        endRead("evaluate", writes);
        // Summed in pass order, so the result does not depend on which thread ran which pass.
        double lossSum = 0;
        long correct = 0;
        for (int pass = 0; pass < passes; pass++) {
            lossSum += passLoss[pass];
            correct += passCorrect[pass];
        }
        return new Evaluation(lossSum / count, (double) correct / count, count);
    }

    /**
     * Class probabilities {@code [n, classes]} (softmax of the logits, like the tutorial's
     * {@code Y_proba}) for {@code images [n, ...inputShape]}, computed at most {@code batchSize} (and at
     * most {@value #MAX_INFERENCE_PASS}) examples at a time; the result does not depend on that.
     * Thread-safe (see the class comment).
     *
     * @param images    the examples, {@code [n, ...inputShape]} row-major in one array, possibly empty
     * @param batchSize the most examples per pass, {@code > 0}
     * @return a new array {@code [n, classes]}, row-major, one probability distribution per example
     */
    public float[] predict(float[] images, int batchSize) {
        LayerChecks.notNull("images", images);
        LayerChecks.positive("batchSize", batchSize);
        int count = exampleCount(images);
        int classes = classes();
        float[] probabilities = new float[Shapes.arrayLength(count, classes, "class probabilities",
                "predict fewer images per call")];
        if (count == 0) {
            return probabilities;
        }
        int capacity = Math.min(Math.min(batchSize, count), MAX_INFERENCE_PASS);
        boolean softmaxLayer = logitsIndex < layers.size();
        int inputSize = Shapes.intSize(shapes[0]);
        long writes = beginRead("predict");
        forEachPass(count, capacity, (ws, pass, first, size) -> {
            System.arraycopy(images, first * inputSize, ws.activations[0], 0, size * inputSize);
            inferenceForward(ws, size, layers.size());
            if (softmaxLayer) {
                System.arraycopy(ws.activations[layers.size()], 0, probabilities, first * classes, size * classes);
            } else {
                float[] passProbabilities = new float[size * classes];
                dev.vectorcnn.kernels.Softmax.forward(size, classes, ws.activations[logitsIndex], passProbabilities);
                System.arraycopy(passProbabilities, 0, probabilities, first * classes, size * classes);
            }
        });
        endRead("predict", writes);
        return probabilities;
    }

    /** One inference pass: examples {@code [first, first + size)} in workspace {@code ws}. */
    @FunctionalInterface
    private interface Pass {
        void run(Workspace ws, int pass, int first, int size);
    }

    /**
     * Runs {@code body} over {@code [0, count)} in passes of {@code capacity} examples. With at least
     * {@link #PASSES_PER_THREAD} passes per kernel thread, whole passes run side by side, one per thread
     * and each with its own workspace: a pass's small kernels (pooling, dense, softmax) then cost no
     * fork and join. On 1000 MNIST images two threads measured 1.96x one this way, 1.68x with every
     * kernel split instead. With fewer passes they run one after another and every kernel is split. Kernels give
     * bitwise the same results on any thread, so the choice never changes a result.
     */
    private void forEachPass(int count, int capacity, Pass body) {
        int passes = (count + capacity - 1) / capacity;
        int threads = KernelThreads.threads();
        if (threads > 1 && passes >= PASSES_PER_THREAD * threads) {
            KernelThreads.forEachTask(passes, pass -> {
                Workspace ws = inference.borrow(capacity);
                try {
                    int first = pass * capacity;
                    body.run(ws, pass, first, Math.min(capacity, count - first));
                } finally {
                    inference.giveBack(ws);
                }
            });
            return;
        }
        Workspace ws = inference.borrow(capacity);
        try {
            for (int pass = 0; pass < passes; pass++) {
                int first = pass * capacity;
                body.run(ws, pass, first, Math.min(capacity, count - first));
            }
        } finally {
            inference.giveBack(ws);
        }
    }

    /**
     * {@link #predict(float[], int)} for a tensor {@code [n, ...inputShape]}, giving {@code [n, classes]}.
     *
     * @param images    the examples, {@code [n, ...inputShape]}
     * @param batchSize the most examples per pass, {@code > 0}
     * @return a new tensor {@code [n, classes]} of class probabilities
     */
    public Tensor predict(Tensor images, int batchSize) {
        LayerChecks.notNull("images", images);
        int[] expected = new int[shapes[0].length + 1];
        System.arraycopy(shapes[0], 0, expected, 1, shapes[0].length);
        expected[0] = images.rank() > 0 ? images.dim(0) : 0;
        if (!Arrays.equals(images.shape(), expected)) {
            throw new IllegalArgumentException("images must have shape [n, " + Shapes.text(shapes[0]).substring(1)
                    + ", got " + Shapes.text(images.shape()));
        }
        return new Tensor(predict(images.data(), batchSize), images.dim(0), classes());
    }

    /** The number of classes: the length of the flat logits, which {@link Builder#build} checked. */
    private int classes() {
        return shapes[logitsIndex][0];
    }

    private int exampleCount(float[] images) {
        int inputSize = Shapes.intSize(shapes[0]);
        if (images.length % inputSize != 0) {
            throw new IllegalArgumentException("images has " + images.length + " values, not a multiple of the "
                    + inputSize + " in one example " + Shapes.text(shapes[0]));
        }
        return images.length / inputSize;
    }

    private int checkData(float[] images, int[] labels) {
        LayerChecks.notNull("images", images);
        LayerChecks.notNull("labels", labels);
        int count = exampleCount(images);
        if (labels.length != count) {
            throw new IllegalArgumentException("images hold " + count + " examples but labels has " + labels.length);
        }
        if (count == 0) {
            throw new IllegalArgumentException("no examples: images and labels are empty");
        }
        int classes = classes();
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is outside [0, " + classes
                        + ")");
            }
        }
        return count;
    }

    /** Copies {@code values} into the parameters, in {@link #parameters()} order (validated by the caller). */
    void setParameters(List<float[]> values) {
        boolean began = beginWrite("a checkpoint load");
        try {
            for (int i = 0; i < parameters.size(); i++) {
                float[] source = values.get(i);
                System.arraycopy(source, 0, parameters.get(i).values, 0, source.length);
            }
        } finally {
            endWrite(began);
        }
    }

    // ---- parameter writes against reads ----

    /**
     * Runs {@code read} on the parameters (a checkpoint save's copies) as {@link #predict} runs: it fails
     * instead of returning a mix of old and new values when a fit or checkpoint load runs on another thread
     * as it starts, or begins or ends while it runs.
     */
    <T> T readParameters(String what, Supplier<T> read) {
        long writesBefore = beginRead(what);
        T result = read.get();
        endRead(what, writesBefore);
        return result;
    }

    /**
     * Marks the start of a write of the parameters ({@code fit}, a checkpoint load) by the calling thread.
     * A second writer, or a reader on another thread, fails instead of mixing old and new parameters; the
     * writing thread itself may read (a listener evaluating between batches) and write again (nested).
     *
     * @return whether this call began the write, and must end it
     */
    private boolean beginWrite(String what) {
        Thread current = Thread.currentThread();
        Thread other = writer.compareAndExchange(null, current);
        if (other == current) {
            return false;
        }
        if (other != null) {
            throw new IllegalStateException(what + " while " + writing + " runs on this model in thread "
                    + other.getName() + ": one at a time");
        }
        writing = what;
        writes.incrementAndGet();
        return true;
    }

    private void endWrite(boolean began) {
        if (began) {
            writes.incrementAndGet();
            writer.set(null);
        }
    }

    /**
     * Checks that no other thread is writing the parameters as inference starts.
     *
     * @return the write count, for {@link #endRead}
     */
    private long beginRead(String what) {
        // The count first: a write that begins after it is then seen by endRead.
        long count = writes.get();
        Thread other = writer.get();
        if ((count & 1) != 0 && other != Thread.currentThread()) {
            throw new IllegalStateException(what + " while " + writing + " runs on this model in thread "
                    + (other == null ? "(just ended)" : other.getName()) + ": the parameters are changing; wait "
                    + "until that ends, or call it from the training listener");
        }
        return count;
    }

    /** Fails if a write began or ended on another thread while the inference ran: its result may mix both. */
    private void endRead(String what, long writesBefore) {
        if (writes.get() != writesBefore) {
            throw new IllegalStateException(what + " overlapped a fit or checkpoint load on another thread, so "
                    + "its result may mix old and new parameters; run it again");
        }
    }
}
