package dev.vectorcnn.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shapes, data and a plain double-precision pooling reference for the pooling tests. The reference
 * re-derives TensorFlow's padding rule from its definition instead of asking {@link Padding}, and walks
 * each window over padded coordinates, skipping the cells outside the input.
 */
final class PoolCases {

    /** Channel counts below, at and above every vector length (4, 8 or 16 floats), plus MNIST's 64. */
    static final int[] CHANNELS = {1, 3, 15, 16, 17, 33, 64};

    private PoolCases() {
    }

    /**
     * Random shapes: windows 1..4, strides 1..3 per axis, both paddings, odd and even spatial sizes
     * 1..9, every channel count of {@link #CHANNELS} in turn, batch 1 or 2..3.
     */
    static List<Pool2dShape> randomShapes(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Pool2dShape> shapes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            int sh = 1 + random.nextInt(3), sw = 1 + random.nextInt(3);
            Padding padding = random.nextBoolean() ? Padding.SAME : Padding.VALID;
            int inH = padding == Padding.VALID ? kh + random.nextInt(6) : 1 + random.nextInt(9);
            int inW = padding == Padding.VALID ? kw + random.nextInt(6) : 1 + random.nextInt(9);
            int batch = random.nextInt(3) == 0 ? 1 : 2 + random.nextInt(2);
            shapes.add(new Pool2dShape(batch, inH, inW, CHANNELS[i % CHANNELS.length], kh, kw, sh, sw, padding));
        }
        return shapes;
    }

    /**
     * Small integers in [-3, 3], zero as 0.0 or -0.0: most windows hold ties (including 0.0 == -0.0,
     * equal but bitwise different), so tie-breaking is exercised everywhere.
     */
    static float[] tieHeavy(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextInt(7) - 3;
            if (values[i] == 0 && random.nextBoolean()) {
                values[i] = -0f;
            }
        }
        return values;
    }

    /** A shuffled 0.01-spaced grid: all distinct, any two at least 0.01 apart. */
    static float[] distinct(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (i - length / 2) * 0.01f;
        }
        for (int i = length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    /** TensorFlow's leading padding, from its definition: SAME out = ceil(in/s), pad = (out-1)s + k - in. */
    static int padBefore(Padding padding, int in, int k, int s) {
        if (padding == Padding.VALID) {
            return 0;
        }
        int out = (in + s - 1) / s;
        return Math.max((out - 1) * s + k - in, 0) / 2;
    }

    static int outSize(Padding padding, int in, int k, int s) {
        return padding == Padding.SAME ? (in + s - 1) / s : (in - k) / s + 1;
    }

    /** Visits the real cells (input indices) of every window of every output element, in row-major order. */
    interface WindowVisitor {
        void visit(int outputIndex, int[] cells, int count);
    }

    static void forEachWindow(Pool2dShape s, WindowVisitor visitor) {
        int outH = outSize(s.padding(), s.inHeight(), s.windowHeight(), s.strideHeight());
        int outW = outSize(s.padding(), s.inWidth(), s.windowWidth(), s.strideWidth());
        int top = padBefore(s.padding(), s.inHeight(), s.windowHeight(), s.strideHeight());
        int left = padBefore(s.padding(), s.inWidth(), s.windowWidth(), s.strideWidth());
        int[] cells = new int[s.windowHeight() * s.windowWidth()];
        for (int b = 0; b < s.batch(); b++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    for (int c = 0; c < s.channels(); c++) {
                        int count = 0;
                        for (int kh = 0; kh < s.windowHeight(); kh++) {
                            for (int kw = 0; kw < s.windowWidth(); kw++) {
                                int h = oh * s.strideHeight() + kh - top;
                                int w = ow * s.strideWidth() + kw - left;
                                if (h >= 0 && h < s.inHeight() && w >= 0 && w < s.inWidth()) {
                                    cells[count++] = ((b * s.inHeight() + h) * s.inWidth() + w) * s.channels() + c;
                                }
                            }
                        }
                        visitor.visit(((b * outH + oh) * outW + ow) * s.channels() + c, cells, count);
                    }
                }
            }
        }
    }

    static double[] maxForward(Pool2dShape s, double[] x) {
        double[] y = new double[s.outputLength()];
        forEachWindow(s, (o, cells, count) -> {
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < count; i++) {
                best = Math.max(best, x[cells[i]]);
            }
            y[o] = best;
        });
        return y;
    }

    static double[] avgForward(Pool2dShape s, double[] x) {
        double[] y = new double[s.outputLength()];
        forEachWindow(s, (o, cells, count) -> {
            double sum = 0;
            for (int i = 0; i < count; i++) {
                sum += x[cells[i]];
            }
            y[o] = sum / count;
        });
        return y;
    }

}
