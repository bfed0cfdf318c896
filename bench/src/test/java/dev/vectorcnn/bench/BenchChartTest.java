package dev.vectorcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart's bars against the fractions of the peak worked out by hand. */
class BenchChartTest {

    private static final Pattern BAR = Pattern.compile(
            "<rect class=\"bar\" data-implementation=\"(\\w+)\" x=\"\\d+\" y=\"\\d+\" width=\"([0-9.]+)\"");

    private static BenchReport.Row row(String benchmarkClass, String implementation, String threads, double rate,
                                       String unit) {
        return new BenchReport.Row(benchmarkClass, implementation, "forward",
                Map.of("layer", "MNIST_CONV2", "threads", threads), rate, 1, unit, 1);
    }

    @Test
    void bars_are_the_fraction_of_the_peak_of_their_thread_count() {
        List<BenchReport.Row> rows = List.of(
                row("ConvBench", "scalarReference", "1", 4.5, "GFLOP/s"),
                row("ConvBench", "vectorcnn", "1", 90, "GFLOP/s"),
                row("ConvBench", "vectorcnn", "0", 90, "GFLOP/s"),
                row("PoolBench", "vectorcnn", "1", 40, "GB/s"));
        String svg = BenchChart.svg(rows, 100, 200);
        Matcher bars = BAR.matcher(svg);
        List<String> found = new ArrayList<>();
        while (bars.find()) {
            found.add(bars.group(1) + " " + bars.group(2));
        }
        // 480 px is 100%: 90 of 100 is 432 px, 4.5 of 100 is 21.6 px, 90 of 200 is 216 px; the GB/s row has
        // none; vectorcnn's bar comes first in its group.
        assertEquals(List.of("vectorcnn 432.00", "scalarReference 21.60", "vectorcnn 216.00"), found);
        assertTrue(svg.contains("90.0% (90.0 GFLOP/s)") && svg.contains("45.0% (90.0 GFLOP/s)"), svg);
        assertTrue(svg.startsWith("<svg ") && svg.strip().endsWith("</svg>"), svg);
    }

    /**
     * The scalar convolution and pooling run on one thread at every setting: their bar at threads = 0 is a
     * fraction of the one-thread peak, while the scalar GEMM's, which uses the kernel threads, is not.
     */
    @Test
    void single_threaded_baselines_are_measured_against_the_one_thread_peak() {
        List<BenchReport.Row> rows = List.of(
                row("ConvBench", "scalarReference", "0", 5, "GFLOP/s"),
                row("GemmBench", "scalarReference", "0", 5, "GFLOP/s"));
        String svg = BenchChart.svg(rows, 100, 200);
        assertTrue(svg.contains("5.0% (5.0 GFLOP/s)") && svg.contains("2.5% (5.0 GFLOP/s)"), svg);
        Matcher bars = BAR.matcher(svg);
        List<String> found = new ArrayList<>();
        while (bars.find()) {
            found.add(bars.group(2));
        }
        // 5 is 5% of the scale's 100% (480 px) for the convolution, 2.5% for the GEMM.
        assertEquals(List.of("24.00", "12.00"), found);
    }

    /** A bar above the peak (the peak benchmark's own error) widens the scale instead of leaving the chart. */
    @Test
    void the_scale_grows_to_the_longest_bar() {
        String svg = BenchChart.svg(List.of(row("GemmBench", "vectorcnn", "1", 120, "GFLOP/s"),
                row("GemmBench", "ejml", "1", 60, "GFLOP/s")), 100, 200);
        Matcher bars = BAR.matcher(svg);
        assertTrue(bars.find());
        assertEquals("480.00", bars.group(2));
        assertTrue(bars.find());
        assertEquals("240.00", bars.group(2));
    }

    @Test
    void no_chart_without_gflops_rows_or_a_peak() {
        assertNull(BenchChart.svg(List.of(row("PoolBench", "vectorcnn", "1", 40, "GB/s")), 100, 200));
        assertNull(BenchChart.svg(List.of(row("ConvBench", "vectorcnn", "1", 90, "GFLOP/s")), 0, 0));
    }
}
