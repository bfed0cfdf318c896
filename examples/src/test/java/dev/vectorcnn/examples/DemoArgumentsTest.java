package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demos' command line: images by extension, one output directory, --seed where allowed. */
class DemoArgumentsTest {

    @Test
    void no_arguments_means_builtin_images_and_default_directory() {
        DemoArguments a = DemoArguments.parse(new String[0], false);
        assertEquals(List.of(), a.images());
        assertEquals(DemoArguments.DEFAULT_OUTPUT_DIR, a.outputDir());
        assertEquals(DemoArguments.DEFAULT_SEED, a.seed());
    }

    @Test
    void images_are_recognised_by_extension_in_any_case_and_order() {
        DemoArguments a = DemoArguments.parse(new String[] {"out/", "a.JPG", "b.jpeg", "c.png"}, false);
        assertEquals(List.of(Path.of("a.JPG"), Path.of("b.jpeg"), Path.of("c.png")), a.images());
        assertEquals(Path.of("out/"), a.outputDir());
    }

    @Test
    void seed_only_where_accepted() {
        assertEquals(-5, DemoArguments.parse(new String[] {"--seed", "-5"}, true).seed());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoArguments.parse(new String[] {"--seed", "5"}, false));
        assertTrue(e.getMessage().contains("unknown option --seed"), e.getMessage());
    }

    @Test
    void help_wins_over_everything_else() {
        assertTrue(DemoArguments.parse(new String[] {"x", "y", "--help"}, false).help());
    }
}
