package dev.vectorcnn.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's chart: every GFLOP/s case of a run as a group of horizontal bars, one per implementation,
 * each the fraction of the FMA peak of its thread count measured in the same run. An SVG file, so that
 * the Markdown report shows it inline and the bench module needs no drawing library.
 */
final class BenchChart {

    private static final int LABEL_WIDTH = 380;
    private static final int BAR_AREA = 480;
    private static final int VALUE_WIDTH = 170;
    private static final int BAR_HEIGHT = 11;
    private static final int GROUP_GAP = 9;
    private static final int TOP = 58;
    private static final Map<String, String> COLOURS = Map.of(
            "vectorcnn", "#1f77b4", "ejml", "#ff7f0e", "im2colEjml", "#2ca02c", ScalarReference.PREFIX, "#7f7f7f");

    private BenchChart() {
    }

    /**
     * @param rows    the run's rows, the FMA peak's included
     * @param peakOne the 1-thread FMA peak in GFLOP/s (0 when the run lacks it: no chart)
     * @param peakAll the all-threads FMA peak in GFLOP/s
     * @return the SVG document, or null when no row is in GFLOP/s or the run measured no peak
     */
    static String svg(List<BenchReport.Row> rows, double peakOne, double peakAll) {
        Map<String, List<BenchReport.Row>> cases = new LinkedHashMap<>();
        for (BenchReport.Row row : rows) {
            if (!row.benchmarkClass().equals("FmaPeakBench") && row.unit().equals("GFLOP/s")) {
                cases.computeIfAbsent(label(row), key -> new ArrayList<>()).add(row);
            }
        }
        if (cases.isEmpty() || peakOne <= 0 || peakAll <= 0) {
            return null;
        }
        // vectorcnn first, then the baselines in the report's order, whatever order JMH ran them in.
        for (List<BenchReport.Row> group : cases.values()) {
            group.sort(Comparator.comparingInt(row -> implementationOrder(row.implementation())));
        }
        double scale = 100;
        for (List<BenchReport.Row> group : cases.values()) {
            for (BenchReport.Row row : group) {
                scale = Math.max(scale, percentOfPeak(row, peakOne, peakAll));
            }
        }
        int height = TOP;
        for (List<BenchReport.Row> group : cases.values()) {
            height += group.size() * BAR_HEIGHT + GROUP_GAP;
        }
        int width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"10\">%n", width, height + 20));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height + 20));
        svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"14\" font-size=\"12\">%% of the FMA peak of the threads"
                + " each ran on (%.1f GFLOP/s on 1 thread, %.1f on all), measured in the same run</text>%n",
                peakOne, peakAll));
        int legendX = 4;
        for (String implementation : BenchReport.IMPLEMENTATIONS) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"24\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"33\">%s</text>%n", legendX, COLOURS.get(implementation), legendX + 14,
                    implementation));
            legendX += 14 + 7 * implementation.length() + 16;
        }
        for (int tick = 0; tick <= scale; tick += 25) {
            double x = LABEL_WIDTH + BAR_AREA * tick / scale;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>%n",
                    x, TOP - 6, x, height, x, TOP - 8, tick));
        }
        int y = TOP;
        for (Map.Entry<String, List<BenchReport.Row>> entry : cases.entrySet()) {
            List<BenchReport.Row> group = entry.getValue();
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 6, y + group.size() * BAR_HEIGHT / 2 + 4, escape(entry.getKey())));
            for (BenchReport.Row row : group) {
                double percent = percentOfPeak(row, peakOne, peakAll);
                svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-implementation=\"%s\" x=\"%d\" y=\"%d\""
                        + " width=\"%.2f\" height=\"%d\" fill=\"%s\"/>", row.implementation(), LABEL_WIDTH, y,
                        BAR_AREA * percent / scale, BAR_HEIGHT - 2, COLOURS.getOrDefault(row.implementation(), "black")));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.1f%% (%.1f GFLOP/s)</text>%n",
                        LABEL_WIDTH + BAR_AREA * percent / scale + 4, y + BAR_HEIGHT - 3, percent, row.rate()));
                y += BAR_HEIGHT;
            }
            y += GROUP_GAP;
        }
        return svg.append("</svg>\n").toString();
    }

    /** The case a row belongs to: class, operation and parameters, e.g. {@code ConvBench backwardFilter layer=MNIST_CONV2, threads=1}. */
    static String label(BenchReport.Row row) {
        String operation = row.operation().isEmpty() ? "" : " " + row.operation();
        return row.benchmarkClass() + operation + " " + row.params().toString().replaceAll("[{}]", "");
    }

    private static int implementationOrder(String implementation) {
        int index = BenchReport.IMPLEMENTATIONS.indexOf(implementation);
        return index < 0 ? BenchReport.IMPLEMENTATIONS.size() : index;
    }

    private static double percentOfPeak(BenchReport.Row row, double peakOne, double peakAll) {
        return 100 * row.rate() / (BenchReport.ranOnOneThread(row) ? peakOne : peakAll);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
