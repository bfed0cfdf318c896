package dev.vectorcnn.bench;

import java.util.SplittableRandom;

/** Deterministic benchmark inputs. */
final class BenchData {

    private BenchData() {
    }

    /** {@code length} values uniform in [-1, 1). */
    static float[] uniform(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
