package dev.vectorcnn.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Saves and restores a model's parameters, and optionally its optimizer's state, as a
 * {@link SafeTensors} file. Parameters are stored under their {@link Parameter#name()}s; optimizer
 * state under {@code optimizer.<slot>.<parameter>} (e.g. {@code optimizer.m.0.conv2d.kernel}), with
 * the optimizer type and iteration count in the metadata.
 *
 * <p>Saving is atomic (see {@link SafeTensors}) and consistent: it copies the parameters and optimizer
 * state as {@link Sequential#predict} reads the parameters, so while a fit or checkpoint load runs on
 * another thread it fails with {@link IllegalStateException} instead of writing a mix of two steps; save
 * from the training listener (as the MNIST example does) or after fit returns. Loading reads and checks the whole file against the
 * model first and changes nothing unless everything matches: a truncated, corrupt or mismatched
 * file leaves the model and optimizer as they were.
 *
 * <p>Tensors are matched to parameters by name and shape, as PyTorch's {@code load_state_dict} and
 * Keras's {@code load_weights(by_name=True)} do; layer settings that own no parameter (strides, padding,
 * activations, pooling windows) are not compared, so a model that differs only in those loads the
 * weights as they are. Names hold every layer's index, layers without parameters included, so adding or
 * removing a layer renames the parameters after it and such a file no longer loads. The saving model's
 * description ({@link Sequential#toString()}) is kept in the metadata under {@code model}.
 */
public final class Checkpoint {

    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String FORMAT_KEY = "format";
    private static final String MODEL_KEY = "model";
    private static final String OPTIMIZER_KEY = "optimizer";
    private static final String ITERATIONS_KEY = "optimizer.iterations";

    private Checkpoint() {
    }

    /**
     * Writes every parameter of {@code model} to {@code file}.
     *
     * @param file  the safetensors file to create or replace
     * @param model the model whose parameters are saved
     * @throws IOException if {@code file} cannot be written; a previous file is then left as it was
     * @throws IllegalStateException if a fit or checkpoint load of {@code model} runs on another thread
     */
    public static void save(Path file, Sequential model) throws IOException {
        LayerChecks.notNull("model", model);
        Map<String, String> header = new LinkedHashMap<>();
        header.put(FORMAT_KEY, "vectorcnn");
        header.put(MODEL_KEY, model.toString());
        SafeTensors.write(file, model.readParameters("a checkpoint save", () -> parameterTensors(model)), header);
    }

    /**
     * Writes every parameter of {@code model} and the state of {@code optimizer}, to resume training later.
     *
     * @param file      the safetensors file to create or replace
     * @param model     the model whose parameters are saved
     * @param optimizer the optimizer training {@code model}; its type, iteration count and state are saved (zeros
     *                  for an optimizer that has not stepped yet, which it then keeps)
     * @throws IOException if {@code file} cannot be written; a previous file is then left as it was
     * @throws IllegalArgumentException if {@code optimizer} holds state of another size under one of the
     *                  model's parameter names (state from another model); nothing is written then
     * @throws IllegalStateException if a fit or checkpoint load of {@code model} runs on another thread
     */
    public static void save(Path file, Sequential model, Optimizer optimizer) throws IOException {
        save(file, model, optimizer, Map.of());
    }

    /**
     * {@link #save(Path, Sequential, Optimizer)} with strings of the caller's own beside it (an epoch
     * number, the run's settings), read back with {@link #metadata(Path)}.
     *
     * @param file      the safetensors file to create or replace
     * @param model     the model whose parameters are saved
     * @param optimizer the optimizer training {@code model}; its type, iteration count and state are saved (zeros
     *                  for an optimizer that has not stepped yet, which it then keeps)
     * @param metadata  the caller's strings, stored in the safetensors header's {@code __metadata__}; a key
     *                  may not be {@code format}, {@code model}, {@code optimizer} or start with
     *                  {@code optimizer.}, which this class writes itself
     * @throws IOException if {@code file} cannot be written; a previous file is then left as it was
     * @throws IllegalArgumentException if a metadata key is one this class writes, a key or value is not valid
     *                  Unicode, the header would pass {@link SafeTensors#MAX_HEADER_BYTES}, or {@code optimizer}
     *                  holds state of another size under one of the model's parameter names (state from another
     *                  model); nothing is written then
     * @throws IllegalStateException if a fit or checkpoint load of {@code model} runs on another thread
     * @throws NullPointerException if an argument, a metadata key or a metadata value is null
     */
    public static void save(Path file, Sequential model, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        LayerChecks.notNull("model", model);
        LayerChecks.notNull("optimizer", optimizer);
        LayerChecks.notNull("metadata", metadata);
        Map<String, String> header = new LinkedHashMap<>();
        header.put(FORMAT_KEY, "vectorcnn");
        header.put(MODEL_KEY, model.toString());
        header.put(OPTIMIZER_KEY, optimizer.typeName());
        header.put(ITERATIONS_KEY, Long.toString(optimizer.iterations()));
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = LayerChecks.notNull("metadata key", entry.getKey());
            if (header.containsKey(key) || key.startsWith(OPTIMIZER_PREFIX)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is one Checkpoint writes itself");
            }
            header.put(key, LayerChecks.notNull("metadata value of '" + key + "'", entry.getValue()));
        }
        Map<String, Tensor> tensors = model.readParameters("a checkpoint save", () -> {
            Map<String, Tensor> copies = parameterTensors(model);
            List<Parameter> parameters = model.parameters();
            List<float[][]> state = optimizer.slotsFor(parameters);
            List<String> slots = optimizer.slotNames();
            for (int i = 0; i < parameters.size(); i++) {
                for (int s = 0; s < slots.size(); s++) {
                    copies.put(slotName(slots.get(s), parameters.get(i)),
                            new Tensor(state.get(i)[s].clone(), parameters.get(i).shape()));
                }
            }
            return copies;
        });
        SafeTensors.write(file, tensors, header);
    }

    /**
     * The metadata strings of a checkpoint: this class's ({@code format}, {@code model}, and with optimizer
     * state {@code optimizer} and {@code optimizer.iterations}) and any the caller saved.
     *
     * @param file a checkpoint written by any {@code save}, or another safetensors file of any size and dtypes
     * @return the strings in the file's order; empty when it has none
     * @throws IOException if {@code file} cannot be read or is not a valid safetensors file (its header is
     *     checked against the file's length; the tensors are not read, see {@link SafeTensors#readMetadata})
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        return SafeTensors.readMetadata(file);
    }

    /** Copies of the parameters: a save writes them after letting go of the model. */
    private static Map<String, Tensor> parameterTensors(Sequential model) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter parameter : model.parameters()) {
            tensors.put(parameter.name(), new Tensor(parameter.values.clone(), parameter.shape()));
        }
        return tensors;
    }

    private static String slotName(String slot, Parameter parameter) {
        return OPTIMIZER_PREFIX + slot + "." + parameter.name();
    }

    /**
     * Restores every parameter of {@code model} from {@code file}; optimizer state in the file is
     * ignored. The file must hold exactly the model's parameters with the model's shapes.
     *
     * @param file  a checkpoint written by any {@code save}
     * @param model the model whose parameters are replaced
     * @throws IOException if {@code file} cannot be read, is not a valid safetensors file, or its tensors do not
     *     match the model's parameters; the model is then unchanged
     */
    public static void load(Path file, Sequential model) throws IOException {
        LayerChecks.notNull("model", model);
        SafeTensors.Contents contents = SafeTensors.read(file);
        Set<String> known = new HashSet<>();
        model.parameters().forEach(p -> known.add(p.name()));
        for (String name : contents.tensors().keySet()) {
            if (!known.contains(name) && !name.startsWith(OPTIMIZER_PREFIX)) {
                throw mismatch(file, "unknown tensor '" + name + "'; the model's parameters are " + known);
            }
        }
        model.setParameters(matching(file, contents, model.parameters(), Parameter::name));
    }

    /**
     * Restores every parameter of {@code model} and the state of {@code optimizer} (which must be of
     * the type that saved it) from {@code file}.
     *
     * @param file      a checkpoint written with optimizer state, by {@link #save(Path, Sequential, Optimizer)}
     *                  or {@link #save(Path, Sequential, Optimizer, Map)}
     * @param model     the model whose parameters are replaced
     * @param optimizer the optimizer whose state and iteration count are replaced
     * @throws IOException if {@code file} cannot be read, is not a valid safetensors file, holds no optimizer
     *     state or another optimizer type's, or its tensors do not match the model and optimizer; both are then
     *     unchanged
     */
    public static void load(Path file, Sequential model, Optimizer optimizer) throws IOException {
        LayerChecks.notNull("model", model);
        LayerChecks.notNull("optimizer", optimizer);
        SafeTensors.Contents contents = SafeTensors.read(file);
        String savedType = contents.metadata().get(OPTIMIZER_KEY);
        if (savedType == null) {
            throw mismatch(file, "it holds no optimizer state");
        }
        if (!savedType.equals(optimizer.typeName())) {
            throw mismatch(file, "it holds " + savedType + " state, not " + optimizer.typeName());
        }
        if (!contents.metadata().containsKey(ITERATIONS_KEY)) {
            throw mismatch(file, "it holds " + savedType + " state but no " + ITERATIONS_KEY);
        }
        long iterations;
        try {
            iterations = Long.parseLong(contents.metadata().get(ITERATIONS_KEY));
        } catch (NumberFormatException e) {
            throw mismatch(file, ITERATIONS_KEY + " is not an integer: '" + contents.metadata().get(ITERATIONS_KEY)
                    + "'");
        }
        if (iterations < 0) {
            throw mismatch(file, ITERATIONS_KEY + " is negative: " + iterations);
        }
        List<Parameter> parameters = model.parameters();
        List<String> slots = optimizer.slotNames();
        Set<String> known = new HashSet<>();
        for (Parameter p : parameters) {
            known.add(p.name());
            slots.forEach(slot -> known.add(slotName(slot, p)));
        }
        for (String name : contents.tensors().keySet()) {
            if (!known.contains(name)) {
                throw mismatch(file, "unknown tensor '" + name + "' for this model and " + optimizer.typeName());
            }
        }
        List<float[]> values = matching(file, contents, parameters, Parameter::name);
        Map<String, float[][]> state = new LinkedHashMap<>();
        for (int s = 0; s < slots.size(); s++) {
            String slot = slots.get(s);
            List<float[]> slotValues = matching(file, contents, parameters, p -> slotName(slot, p));
            for (int i = 0; i < parameters.size(); i++) {
                state.computeIfAbsent(parameters.get(i).name(), name -> new float[slots.size()][])[s] =
                        slotValues.get(i);
            }
        }
        model.setParameters(values);
        optimizer.restore(state, iterations);
    }

    /** The tensor named {@code name.apply(p)} for every parameter, each checked against the parameter's shape. */
    private static List<float[]> matching(Path file, SafeTensors.Contents contents, List<Parameter> parameters,
            Function<Parameter, String> name) throws IOException {
        List<float[]> values = new ArrayList<>(parameters.size());
        for (Parameter parameter : parameters) {
            String tensorName = name.apply(parameter);
            Tensor tensor = contents.tensors().get(tensorName);
            if (tensor == null) {
                throw mismatch(file, "missing tensor '" + tensorName + "'");
            }
            if (!Arrays.equals(tensor.shape(), parameter.shape())) {
                throw mismatch(file, "tensor '" + tensorName + "' has shape " + Shapes.text(tensor.shape())
                        + ", the model expects " + Shapes.text(parameter.shape()));
            }
            values.add(tensor.data());
        }
        return values;
    }

    private static IOException mismatch(Path file, String problem) {
        return new IOException("checkpoint " + file + " does not match: " + problem);
    }
}
