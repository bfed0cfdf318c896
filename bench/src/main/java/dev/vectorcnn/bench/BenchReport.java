package dev.vectorcnn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a chosen set of benchmarks together with the FMA peak benchmark, in one JMH run, and writes a
 * Markdown report: rate per kernel and shape (mean and 99.9% error), fraction of the peak measured in
 * the same run, and speed-up over each baseline measured in the same run.
 *
 * <p>Usage: {@code BenchReport [--include REGEX] [--output DIR] [--forks N] [--warmup N]
 * [--iterations N] [--seconds S]}, S in seconds, decimals allowed. Writes {@code DIR/report.md}, its chart {@code DIR/report.svg}
 * ({@link BenchChart}) and {@code DIR/jmh-result.json}.
 */
public final class BenchReport {

    /** Method-name prefixes of the implementations; the first is the subject, the rest baselines. */
    static final List<String> IMPLEMENTATIONS = List.of("vectorcnn", "ejml", "im2colEjml", ScalarReference.PREFIX);
    /** The chart's file name, beside {@code report.md}. */
    static final String CHART_FILE = "report.svg";
    /**
     * The classes whose scalar reference runs on one thread at every {@code threads} setting: the scalar
     * convolution's loops are single-threaded, while the scalar pooling, GEMM and dense layer split
     * their work over the kernel threads like the vector ones.
     */
    private static final Set<String> SINGLE_THREADED_SCALAR = Set.of("ConvBench");

    private BenchReport() {
    }

    /** Whether {@code row} ran on one thread, by its {@code threads} setting or because its code uses only one. */
    static boolean ranOnOneThread(Row row) {
        return "1".equals(row.params().get("threads")) || row.implementation().equals(ScalarReference.PREFIX)
                && SINGLE_THREADED_SCALAR.contains(row.benchmarkClass());
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Map<String, String> options = parse(args);
        String include = options.getOrDefault("include", ".*");
        Path output = Path.of(options.getOrDefault("output", "bench-results"));
        int forks = Integer.parseInt(options.getOrDefault("forks", "3"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "3"));
        int iterations = Integer.parseInt(options.getOrDefault("iterations", "5"));
        TimeValue iterationTime = iterationTime(options.getOrDefault("seconds", "1"));
        Files.createDirectories(output);
        Path json = output.resolve("jmh-result.json");

        String loadBefore = loadAverage();
        Options jmh = new OptionsBuilder()
                .include(FmaPeakBench.class.getName())
                .include(include)
                .forks(forks)
                .warmupIterations(warmup)
                .warmupTime(iterationTime)
                .measurementIterations(iterations)
                .measurementTime(iterationTime)
                .jvmArgsAppend("--add-modules", "jdk.incubator.vector", "-Xmx4g")
                // A benchmark that throws (a fork on the wrong path, say) stops the run rather than
                // leaving its rows out of a report that looks complete.
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .build();
        Collection<RunResult> results = new Runner(jmh).run();
        String loadAfter = loadAverage();

        String header = "Forks " + forks + ", warm-up " + warmup + " x " + iterationTime + ", measurement " + iterations
                + " x " + iterationTime + "; include `" + include + "`.";
        List<Row> rows = rows(results);
        String chart = BenchChart.svg(rows, peak(rows, "1").rate(), peak(rows, "0").rate());
        if (chart != null) {
            writeAtomically(output.resolve(CHART_FILE), chart);
        } else {
            // An earlier run's chart would otherwise sit beside this report as if it were its own.
            Files.deleteIfExists(output.resolve(CHART_FILE));
        }
        String markdown = render(rows, header, loadBefore, loadAfter, chart != null);
        Path report = output.resolve("report.md");
        writeAtomically(report, markdown);
        System.out.println(markdown);
        System.out.println("Report written to " + report.toAbsolutePath());
    }

    /** Writes a temporary file and renames it, so that a reader never sees half a report. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code --seconds}: decimal seconds (0.1 is 100 ms), at least a millisecond. */
    static TimeValue iterationTime(String seconds) {
        double value;
        try {
            value = Double.parseDouble(seconds);
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value >= 0.001 && value <= 3600)) {
            throw new IllegalArgumentException("--seconds (bench.seconds) must be a number of seconds from 0.001 to "
                    + "3600, such as 1 or 0.1; got '" + seconds + "'");
        }
        return TimeValue.milliseconds(Math.round(value * 1000));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: BenchReport [--include REGEX] [--output DIR] [--forks N]"
                        + " [--warmup N] [--iterations N] [--seconds S]; got '" + arg + "'");
            }
            options.put(arg.substring(2), args[++i]);
        }
        return options;
    }

    /** One measured benchmark: class, implementation, operation, parameters, rate and error. */
    record Row(String benchmarkClass, String implementation, String operation, Map<String, String> params,
               double rate, double error, String unit, double millisPerOp) {
    }

    /** JMH's results as rows, in the units of {@link Workloads}. */
    static List<Row> rows(Collection<RunResult> results) {
        List<Row> rows = new ArrayList<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            String simpleClass = label.substring(0, label.lastIndexOf('.'));
            simpleClass = simpleClass.substring(simpleClass.lastIndexOf('.') + 1);
            String method = label.substring(label.lastIndexOf('.') + 1);
            String implementation = IMPLEMENTATIONS.stream().filter(method::startsWith).findFirst().orElse(method);
            String operation = uncapitalize(method.substring(implementation.length()));
            Map<String, String> params = new TreeMap<>();
            for (String key : result.getParams().getParamsKeys()) {
                params.put(key, result.getParams().getParam(key));
            }
            Workloads.Work work = Workloads.of(simpleClass, operation, params);
            double score = result.getPrimaryResult().getScore();
            double error = result.getPrimaryResult().getScoreError();
            if (simpleClass.equals("FmaPeakBench")) {
                params.put("threads", method.equals("oneThread") ? "1" : "0");
                implementation = "vectorcnn";
                operation = "";
            }
            rows.add(new Row(simpleClass, implementation, operation, params, work.rate(score),
                    work.rate(error), work.unit(), 1000 / score));
        }
        return rows;
    }

    /**
     * The Markdown report of {@code rows}; {@code withChart} links the chart written beside it as
     * {@value #CHART_FILE}.
     */
    static String render(List<Row> rows, String settings, String loadBefore, String loadAfter, boolean withChart) {
        Row peakOne = peak(rows, "1");
        Row peakAll = peak(rows, "0");

        StringBuilder out = new StringBuilder();
        out.append("# vectorcnn benchmark report\n\n");
        out.append("- Date: ").append(ZonedDateTime.now()).append('\n');
        out.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" processors\n");
        out.append("- CPU: ").append(cpuDescription()).append('\n');
        out.append("- JMH: ").append(settings).append('\n');
        out.append("- Load average (1, 5, 15 min) before: ").append(loadBefore).append("; after: ")
                .append(loadAfter).append('\n');
        out.append("- Threads: `threads = 0` means every available processor. Rates are mean ± 99.9% error (n/a: too few iterations for JMH to give one);"
                + " % of peak divides by the FMA peak of the threads the row ran on, measured in this run."
                + " scalarReference is the library's scalar path (what runs without the Vector API): its GEMM and dense"
                + " layer and its pooling use the kernel threads, its convolution 1 thread whatever `threads` says, so for"
                + " the convolution its speed-up is given at `threads = 1` only.\n\n");
        out.append(String.format(Locale.ROOT, "FMA peak: %.1f ± %s GFLOP/s on 1 thread, %.1f ± %s GFLOP/s on all threads.%n%n",
                peakOne.rate(), error(peakOne), peakAll.rate(), error(peakAll)));
        if (withChart) {
            out.append("![The GFLOP/s rows as % of the FMA peak](" + CHART_FILE + ")\n\n");
        }

        Map<String, List<Row>> byClass = new LinkedHashMap<>();
        for (Row row : rows) {
            if (!row.benchmarkClass().equals("FmaPeakBench")) {
                byClass.computeIfAbsent(row.benchmarkClass(), key -> new ArrayList<>()).add(row);
            }
        }
        for (Map.Entry<String, List<Row>> entry : byClass.entrySet()) {
            renderClass(out, entry.getKey(), entry.getValue(), peakOne.rate(), peakAll.rate());
        }
        return out.toString();
    }

    private static void renderClass(StringBuilder out, String benchmarkClass, List<Row> rows, double peakOne,
                                    double peakAll) {
        List<String> baselines = rows.stream().map(Row::implementation).filter(i -> !i.equals("vectorcnn"))
                .distinct().toList();
        out.append("## ").append(benchmarkClass).append("\n\n| operation | parameters | vectorcnn | % of peak |");
        for (String baseline : baselines) {
            out.append(' ').append(baseline).append(" | speed-up |");
        }
        out.append('\n').append("|---|---|---|---|");
        out.append("---|---|".repeat(baselines.size())).append('\n');
        Map<String, Map<String, Row>> cases = new LinkedHashMap<>();
        for (Row row : rows) {
            cases.computeIfAbsent(row.operation() + '\u0000' + row.params(), key -> new LinkedHashMap<>())
                    .put(row.implementation(), row);
        }
        for (Map<String, Row> byImplementation : cases.values()) {
            Row subject = byImplementation.get("vectorcnn");
            Row any = byImplementation.values().iterator().next();
            out.append("| ").append(any.operation().isEmpty() ? "-" : any.operation()).append(" | ")
                    .append(any.params().toString().replaceAll("[{}]", "")).append(" | ");
            if (subject == null) {
                out.append("- | - |");
            } else {
                out.append(format(subject)).append(" | ");
                double peak = ranOnOneThread(subject) ? peakOne : peakAll;
                out.append(subject.unit().equals("GFLOP/s") && peak > 0
                        ? String.format(Locale.ROOT, "%.0f%%", 100 * subject.rate() / peak) : "-").append(" |");
            }
            for (String baseline : baselines) {
                Row other = byImplementation.get(baseline);
                if (other == null) {
                    out.append(" - | - |");
                } else {
                    boolean sameThreads = subject != null && ranOnOneThread(subject) == ranOnOneThread(other);
                    out.append(' ').append(format(other)).append(" | ").append(!sameThreads ? "-"
                            : String.format(Locale.ROOT, "%.1fx", subject.rate() / other.rate())).append(" |");
                }
            }
            out.append('\n');
        }
        out.append('\n');
    }

    private static String format(Row row) {
        return String.format(Locale.ROOT, "%.1f ± %s %s (%s ms)", row.rate(), error(row), row.unit(),
                row.millisPerOp() >= 10 ? String.format(Locale.ROOT, "%.0f", row.millisPerOp())
                        : String.format(Locale.ROOT, "%.3g", row.millisPerOp()));
    }

    /** The error half-width, or "n/a" where JMH had too few iterations to give one (it reports NaN). */
    private static String error(Row row) {
        return Double.isNaN(row.error()) ? "n/a" : String.format(Locale.ROOT, "%.1f", row.error());
    }

    /** The FMA peak row of {@code threads} ("1" or "0"), or a zero row when the run lacks it. */
    private static Row peak(List<Row> rows, String threads) {
        return rows.stream().filter(r -> r.benchmarkClass().equals("FmaPeakBench")
                && threads.equals(r.params().get("threads"))).findFirst()
                .orElse(new Row("FmaPeakBench", "vectorcnn", "", Map.of(), 0, 0, "GFLOP/s", 0));
    }

    private static String uncapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * The first processor's model name with its vendor, family and model numbers, which tell processor
     * generations apart where a virtual machine's name does not ("AMD EPYC"): hosts of this project's machine
     * kind have differed twofold in FMA peak per core, and figures from different hosts must not be compared.
     */
    private static String cpuDescription() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return cpuInfoField(lines, "model name") + " (vendor " + cpuInfoField(lines, "vendor_id") + ", family "
                    + cpuInfoField(lines, "cpu family") + ", model " + cpuInfoField(lines, "model") + ")";
        } catch (IOException | UncheckedIOException e) {
            return System.getProperty("os.arch");
        }
    }

    /** The value of the first {@code /proc/cpuinfo} line whose key is exactly {@code key}. */
    private static String cpuInfoField(List<String> lines, String key) {
        return lines.stream().filter(l -> l.contains(":") && l.substring(0, l.indexOf(':')).trim().equals(key))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | UncheckedIOException e) {
            return "unknown";
        }
    }
}
