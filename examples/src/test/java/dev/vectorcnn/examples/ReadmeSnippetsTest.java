package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples compile against the current API, so a renamed method or a changed
 * signature cannot leave the first code a user copies broken. Each {@code ```java} block becomes the
 * body of a method whose parameters are the blocks' free variables (the data and matrices they assume
 * the reader has), its import lines the class's imports; it is compiled, not run (the network example
 * trains for ten epochs and writes a file).
 */
class ReadmeSnippetsTest {

    /** Surefire runs each module's tests in the module's directory. */
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\R(.*?)```", Pattern.DOTALL);
    /** What the README's examples take as given. */
    private static final String FREE_VARIABLES = "int m, int n, int k, float[] a, float[] b, float[] c, float[] bias, "
            + "float[] trainImages, int[] trainLabels, float[] testImages, int[] testLabels";

    @TempDir
    Path dir;

    @Test
    void every_java_example_in_the_readme_compiles() throws IOException, InterruptedException {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = JAVA_BLOCK.matcher(Files.readString(README));
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        // The GEMM call and the tutorial's network: a block that goes missing should be noticed too.
        assertEquals(2, blocks.size(), "java blocks in " + README.toAbsolutePath());

        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : blocks.get(i).split("\\R")) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
            String name = "ReadmeSnippet" + i;
            sources.add(Files.writeString(dir.resolve(name + ".java"), imports + "class " + name + " {\n"
                    + "    static void run(" + FREE_VARIABLES + ") throws Exception {\n" + body + "    }\n}\n"));
        }

        // The javac of the JDK running the tests (the module's own test code cannot see java.compiler).
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        List<String> command = new ArrayList<>(List.of(javac.toString(), "-proc:none", "-Xlint:all", "-Werror",
                "-cp", System.getProperty("java.class.path"), "-d", dir.toString()));
        sources.forEach(source -> command.add(source.toString()));
        Path messages = dir.resolve("javac.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(messages.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("javac did not finish in 2 minutes: " + Files.readString(messages));
        }
        assertEquals(0, process.exitValue(), "the README's examples do not compile: " + Files.readString(messages));
    }
}
