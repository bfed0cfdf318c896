package dev.vectorcnn.kernels;

/** The Adam element update written plainly (see {@link Adam}); the reference for {@link VectorAdam}. */
final class ScalarAdam {

    private ScalarAdam() {
    }

    static void update(float[] params, float[] grads, float[] m, float[] v, int start, int end,
                       float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon) {
        for (int i = start; i < end; i++) {
            float g = Subnormals.flushToZero(grads[i]);
            float mi = Subnormals.flushToZero(m[i] + (g - m[i]) * oneMinusBeta1);
            float vi = Subnormals.flushToZero(v[i] + (g * g - v[i]) * oneMinusBeta2);
            m[i] = mi;
            v[i] = vi;
            params[i] -= mi * alpha / ((float) Math.sqrt(vi) + epsilon);
        }
    }
}
