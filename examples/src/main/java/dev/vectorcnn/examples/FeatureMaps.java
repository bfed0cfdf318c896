package dev.vectorcnn.examples;

import java.awt.image.BufferedImage;

/**
 * Turns one channel of an NHWC activation or one slice of an HWIO filter into a gray picture a
 * person can read: values are stretched so that the smallest is black and the largest white, as
 * matplotlib's {@code imshow(..., cmap="gray")} does in the tutorial.
 */
final class FeatureMaps {

    private FeatureMaps() {
    }

    /**
     * Channel {@code channel} of image {@code n} of the NHWC tensor {@code data[batch, height, width, channels]},
     * min-max normalised to gray (a constant map is drawn mid-gray).
     */
    static BufferedImage channel(float[] data, int n, int height, int width, int channels, int channel) {
        int base = n * height * width * channels + channel;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < height * width; p++) {
            float v = data[base + p * channels];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        PngFiles.useHeadlessAwt();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        float range = max - min;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = data[base + (y * width + x) * channels];
                int gray = range > 0 ? Math.round((v - min) / range * 255f) : 128;
                image.setRGB(x, y, gray * 0x010101);
            }
        }
        return image;
    }

    /**
     * The {@code [kh, kw]} slice at input channel {@code in} and output channel {@code out} of the HWIO
     * filter {@code filter[kh, kw, inChannels, outChannels]}, normalised to gray and enlarged
     * {@code scale} times with a thin grid, so a 7x7 filter can be seen.
     */
    static BufferedImage filter(float[] filter, int kh, int kw, int inChannels, int outChannels, int in, int out,
            int scale) {
        float[] slice = new float[kh * kw];
        for (int i = 0; i < kh * kw; i++) {
            slice[i] = filter[(i * inChannels + in) * outChannels + out];
        }
        BufferedImage small = channel(slice, 0, kh, kw, 1, 0);
        BufferedImage large = new BufferedImage(kw * scale, kh * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < kh * scale; y++) {
            for (int x = 0; x < kw * scale; x++) {
                boolean grid = y % scale == 0 || x % scale == 0;
                large.setRGB(x, y, grid ? 0x808080 : small.getRGB(x / scale, y / scale));
            }
        }
        return large;
    }
}
