package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorcnn.kernels.Padding;
import org.junit.jupiter.api.Test;

/** PaddingDemo prints the numbers TensorFlow's tutorial publishes for its padding example. */
class PaddingDemoTest {

    @Test
    void valid_and_same_match_the_tutorial() {
        assertArrayEquals(new float[] {184, 389}, PaddingDemo.convolve(Padding.VALID));
        assertArrayEquals(new float[] {143, 348, 204}, PaddingDemo.convolve(Padding.SAME));
    }

    @Test
    void prints_results_and_padding_amounts() {
        DemoTestSupport.Run run = DemoTestSupport.run(PaddingDemo::run);
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("\nVALID [184.0, 389.0]\n"), out);
        assertTrue(out.contains("\nSAME [143.0, 348.0, 204.0]\n"), out);
        assertTrue(out.contains("VALID: 0 zero(s) on the left, 0 zero(s) on the right, last 2 input(s) in no window, output width 2"), out);
        assertTrue(out.contains("SAME: 1 zero(s) on the left, 2 zero(s) on the right, output width 3"), out);
    }

    /** {@code main} returns normally: a {@code System.exit} on success would end the test JVM and fail the run. */
    @Test
    void main_runs() {
        PaddingDemo.main(new String[0]);
    }

    @Test
    void help_and_bad_arguments() {
        assertTrue(DemoTestSupport.run(PaddingDemo::run, "--help").out().startsWith("Usage: PaddingDemo"));
        DemoTestSupport.Run run = DemoTestSupport.run(PaddingDemo::run, "extra");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("takes no arguments"), run.err());
    }
}
