package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static String run(boolean interactive) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), interactive);
        for (int done = 1; done <= 600; done++) {
            bar.update("epoch 1/10", done, 600, 0.1, 0.9, done * 0.01);
        }
        bar.clear();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_log_gets_the_first_step_and_one_plain_line_per_tenth() {
        String log = run(false);
        assertFalse(log.contains("\r"), "no carriage returns in a log");
        assertEquals(11, log.lines().count(), log);
        assertTrue(log.lines().toList().get(0).contains(" 1/600 "), log);
        assertTrue(log.lines().toList().get(10).contains("600/600"), log);
    }

    @Test
    void a_terminal_gets_redraws_in_place_ending_on_the_full_bar() {
        String screen = run(true);
        assertTrue(screen.contains("\r"));
        assertTrue(screen.contains("[==============================] 600/600"), screen);
        assertEquals(0, screen.chars().filter(c -> c == '\n').count());
    }
}
