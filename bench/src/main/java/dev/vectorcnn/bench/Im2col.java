package dev.vectorcnn.bench;

import dev.vectorcnn.kernels.Conv2dShape;
import java.util.Arrays;

/**
 * Explicit im2col and its inverse, as a user would write them to run a convolution on a general
 * GEMM library: the baseline's patch matrix has one row per output pixel and kh*kw*c columns.
 */
final class Im2col {

    private Im2col() {
    }

    /** {@code patches[pixel][(ky*kw + kx)*c + ci] = input[n][oy*sh - pt + ky][ox*sw - pl + kx][ci]}, 0 in the padding. */
    static void patches(Conv2dShape s, float[] input, float[] patches) {
        int c = s.inChannels();
        int patch = s.filterHeight() * s.filterWidth() * c;
        int padTop = s.padTop();
        int padLeft = s.padLeft();
        int row = 0;
        for (int n = 0; n < s.batch(); n++) {
            for (int oy = 0; oy < s.outHeight(); oy++) {
                for (int ox = 0; ox < s.outWidth(); ox++, row++) {
                    int out = row * patch;
                    for (int ky = 0; ky < s.filterHeight(); ky++) {
                        int iy = oy * s.strideHeight() - padTop + ky;
                        for (int kx = 0; kx < s.filterWidth(); kx++, out += c) {
                            int ix = ox * s.strideWidth() - padLeft + kx;
                            if (iy < 0 || iy >= s.inHeight() || ix < 0 || ix >= s.inWidth()) {
                                Arrays.fill(patches, out, out + c, 0f);
                            } else {
                                System.arraycopy(input, ((n * s.inHeight() + iy) * s.inWidth() + ix) * c, patches, out, c);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #patches}: adds each patch gradient back into the input gradient. */
    static void scatter(Conv2dShape s, float[] patchGrads, float[] inputGrad) {
        Arrays.fill(inputGrad, 0, s.inputLength(), 0f);
        int c = s.inChannels();
        int patch = s.filterHeight() * s.filterWidth() * c;
        int padTop = s.padTop();
        int padLeft = s.padLeft();
        int row = 0;
        for (int n = 0; n < s.batch(); n++) {
            for (int oy = 0; oy < s.outHeight(); oy++) {
                for (int ox = 0; ox < s.outWidth(); ox++, row++) {
                    int in = row * patch;
                    for (int ky = 0; ky < s.filterHeight(); ky++) {
                        int iy = oy * s.strideHeight() - padTop + ky;
                        for (int kx = 0; kx < s.filterWidth(); kx++, in += c) {
                            int ix = ox * s.strideWidth() - padLeft + kx;
                            if (iy >= 0 && iy < s.inHeight() && ix >= 0 && ix < s.inWidth()) {
                                int base = ((n * s.inHeight() + iy) * s.inWidth() + ix) * c;
                                for (int ci = 0; ci < c; ci++) {
                                    inputGrad[base + ci] += patchGrads[in + ci];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
