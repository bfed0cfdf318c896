package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The model's optimizers against their published update rules, worked out here in double precision over
 * several steps on two parameters of different sizes (one longer than any vector, with a tail): each
 * optimizer must pass its own settings to its kernel, keep one state per parameter from step to step, and
 * count the steps. The kernels' own tests check the element updates bit for bit against their scalar
 * references; this checks the wiring, which those cannot see.
 *
 * <p>Tolerance: each step rounds a parameter once (half an ulp) and computes its change in float to
 * within 8 roundings, 8 * 6e-8 of the change; over {@link #STEPS} steps the error stays below
 * {@code STEPS * (ulp(p) + 1e-6 * |largest change|)}. A wrong learning rate, decay, epsilon, step count or
 * a state shared between parameters changes the result by at least 1e-3 of a change.
 */
class OptimizerTest {

    private static final int STEPS = 3;
    private static final int[][] SHAPES = {{3, 7}, {37}};

    @Test
    void sgd_steps_against_the_gradient() {
        float rate = 0.05f;
        check(new SGD(rate), (p, g, state, step) -> p - rate * g);
    }

    @Test
    void momentum_keeps_one_velocity_per_parameter() {
        float rate = 0.02f;
        float momentum = 0.8f;
        check(new Momentum(rate, momentum), (p, g, state, step) -> {
            state[0] = momentum * state[0] + g;
            return p - rate * state[0];
        });
    }

    @Test
    void adam_with_every_setting_given_uses_each_of_them() {
        float rate = 0.01f;
        float beta1 = 0.8f;
        float beta2 = 0.95f;
        float epsilon = 1e-3f;
        check(new Adam(rate, beta1, beta2, epsilon), (p, g, state, step) -> {
            state[0] = beta1 * state[0] + (1 - beta1) * g;
            state[1] = beta2 * state[1] + (1 - beta2) * g * g;
            double alpha = rate * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
            // TensorFlow's epsilon hat: added to sqrt(v) after the bias correction is folded into alpha.
            return p - alpha * state[0] / (Math.sqrt(state[1]) + epsilon);
        });
    }

    /**
     * A step the kernel rejects (this Adam's first step size, 1e37 * sqrt(1 - 0.9) / (1 - 0.999), overflows
     * a float) changes no parameter and is not counted, so a checkpoint saved after it records no step
     * that never happened. A state of the wrong size is refused before any is created.
     */
    @Test
    void a_rejected_step_changes_nothing_and_is_not_counted() {
        Adam adam = new Adam(1e37f, 0.999f, 0.9f, 1e-8f);
        List<Parameter> params = List.of(new Parameter("0.dense.kernel", SHAPES[0]),
                new Parameter("0.dense.bias", SHAPES[1]));
        params.get(0).values[0] = 0.5f;
        float[][] grads = {new float[params.get(0).size()], new float[params.get(1).size()]};
        grads[0][0] = 1f;
        for (int attempt = 0; attempt < 2; attempt++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.apply(params, grads));
            assertTrue(e.getMessage().contains("alpha"), e.getMessage());
            assertEquals(0, adam.iterations());
            assertEquals(0.5f, params.get(0).values[0]);
        }

        Momentum momentum = new Momentum(0.1f, 0.9f);
        momentum.apply(List.of(new Parameter("b", new int[] {4})), new float[][] {new float[4]});
        List<Parameter> mismatched = List.of(new Parameter("a", new int[] {3}), new Parameter("b", new int[] {5}));
        assertThrows(IllegalArgumentException.class,
                () -> momentum.apply(mismatched, new float[][] {new float[3], new float[5]}));
        // Had the refused call left a velocity of 3 for "a", this one would be refused too.
        momentum.apply(List.of(new Parameter("a", new int[] {7}), new Parameter("b", new int[] {4})),
                new float[][] {new float[7], new float[4]});
        assertEquals(2, momentum.iterations());
    }

    /** One element's update in double: returns the new parameter and updates its state in place. */
    private interface Rule {
        double step(double p, double g, double[] state, int step);
    }

    private static void check(Optimizer optimizer, Rule rule) {
        SplittableRandom random = new SplittableRandom(17);
        List<Parameter> params = List.of(new Parameter("0.dense.kernel", SHAPES[0]),
                new Parameter("0.dense.bias", SHAPES[1]));
        double[][] expected = new double[params.size()][];
        double[][][] state = new double[params.size()][][];
        double[][] largestChange = new double[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            float[] values = params.get(i).values;
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) random.nextDouble(-1, 1);
            }
            expected[i] = toDouble(values);
            state[i] = new double[values.length][2];
            largestChange[i] = new double[values.length];
        }
        for (int step = 1; step <= STEPS; step++) {
            float[][] grads = new float[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                grads[i] = new float[params.get(i).size()];
                for (int k = 0; k < grads[i].length; k++) {
                    // Different in every step and element, so that a state kept for the wrong element shows.
                    grads[i][k] = (float) random.nextDouble(-2, 2);
                    double before = expected[i][k];
                    expected[i][k] = rule.step(before, grads[i][k], state[i][k], step);
                    largestChange[i][k] = Math.max(largestChange[i][k], Math.abs(expected[i][k] - before));
                }
            }
            optimizer.apply(params, grads);
            assertEquals(step, optimizer.iterations(), optimizer + " iterations");
        }
        for (int i = 0; i < params.size(); i++) {
            float[] actual = params.get(i).values;
            for (int k = 0; k < actual.length; k++) {
                double bound = STEPS * (Math.ulp((float) expected[i][k]) + 1e-6 * largestChange[i][k]);
                double error = Math.abs(actual[k] - expected[i][k]);
                assertTrue(largestChange[i][k] > 1e-4, "the test must move every parameter");
                assertTrue(error <= bound, optimizer + " " + params.get(i).name() + "[" + k + "] = " + actual[k]
                        + ", expected " + expected[i][k] + " within " + bound);
            }
        }
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
