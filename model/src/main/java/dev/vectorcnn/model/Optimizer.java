package dev.vectorcnn.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, keeping its own state (moments, velocities) per
 * parameter name. One optimizer belongs to one model: its state is created at the first update.
 */
public abstract sealed class Optimizer permits Adam, SGD, Momentum {

    private final Map<String, float[][]> slots = new LinkedHashMap<>();
    private long iterations;

    Optimizer() {
    }

    /** The type name recorded in checkpoints, e.g. {@code Adam}. */
    abstract String typeName();

    /** The names of the per-parameter state arrays, e.g. {@code m, v}; empty for plain SGD. */
    abstract List<String> slotNames();

    /** One update of {@code params[0, n)} from {@code grads}; {@code step} counts from 1. */
    abstract void update(float[] params, float[] grads, float[][] slots, int n, long step);

    /**
     * The number of updates applied so far (TensorFlow's {@code optimizer.iterations}).
     *
     * @return 0 before the first update; a checkpoint load with this optimizer restores the saved count
     */
    public final long iterations() {
        return iterations;
    }

    /** Applies one step to every parameter, {@code grads[i]} belonging to {@code params.get(i)}. */
    final void apply(List<Parameter> params, float[][] grads) {
        List<float[][]> state = slotsFor(params);
        if (iterations == Long.MAX_VALUE) {
            // Only a restored count can get here; the next would wrap to a negative step.
            throw new IllegalStateException("the optimizer has applied " + iterations + " updates, the most it counts");
        }
        long step = iterations + 1;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            update(p.values, grads[i], state.get(i), p.size(), step);
        }
        // Counted once applied: a step the kernel rejects (an infinite Adam step size, say) is not one.
        iterations = step;
    }

    /** The state arrays of each parameter, created as zeros when missing. */
    final List<float[][]> slotsFor(List<Parameter> params) {
        int count = slotNames().size();
        // Every existing state checked before any is created, so that a mismatch leaves the state as it was.
        for (Parameter p : params) {
            float[][] s = slots.get(p.name());
            if (s != null && count > 0 && s[0].length != p.size()) {
                throw new IllegalArgumentException("optimizer state for " + p.name() + " has " + s[0].length
                        + " elements but the parameter has " + p.size() + "; use one optimizer per model");
            }
        }
        return params.stream().map(p -> slots.computeIfAbsent(p.name(), name -> new float[count][p.size()])).toList();
    }

    /** Replaces the whole state (from a checkpoint, validated by the caller). */
    final void restore(Map<String, float[][]> state, long restoredIterations) {
        slots.clear();
        slots.putAll(state);
        iterations = restoredIterations;
    }

    /** E.g. {@code Adam[learningRate=0.001, ...]}; the settings, not the state. */
    @Override
    public abstract String toString();

    static float checkRate(String name, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
        }
        return value;
    }

    static float checkFraction(String name, float value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
