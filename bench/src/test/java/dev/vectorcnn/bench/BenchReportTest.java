package dev.vectorcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.TimeValue;

/** The report's options and its rule for which rows ran on one thread. */
class BenchReportTest {

    private static BenchReport.Row row(String benchmarkClass, String implementation, String threads) {
        return new BenchReport.Row(benchmarkClass, implementation, "forward", Map.of("threads", threads), 1, 0,
                "GFLOP/s", 1);
    }

    @Test
    void only_the_scalar_convolution_runs_on_one_thread_whatever_threads_says() {
        assertTrue(BenchReport.ranOnOneThread(row("ConvBench", "scalarReference", "0")));
        // The scalar pooling splits its work over the kernel threads, as the vector one does.
        assertFalse(BenchReport.ranOnOneThread(row("PoolBench", "scalarReference", "0")));
        assertFalse(BenchReport.ranOnOneThread(row("ConvBench", "vectorcnn", "0")));
        assertTrue(BenchReport.ranOnOneThread(row("PoolBench", "vectorcnn", "1")));
    }

    @Test
    void seconds_may_be_decimal_and_are_checked() {
        assertEquals(TimeValue.milliseconds(100), BenchReport.iterationTime("0.1"));
        assertEquals(TimeValue.milliseconds(2000), BenchReport.iterationTime("2"));
        for (String bad : new String[] {"abc", "0", "-1", "NaN", "1e9"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BenchReport.iterationTime(bad));
            assertEquals("--seconds (bench.seconds) must be a number of seconds from 0.001 to 3600, such as 1 or 0.1;"
                    + " got '" + bad + "'", e.getMessage());
        }
    }
}
