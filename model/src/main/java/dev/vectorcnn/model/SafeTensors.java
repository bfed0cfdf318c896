package dev.vectorcnn.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the safetensors format (F32 tensors only), the container the Python
 * {@code safetensors} package, PyTorch and TensorFlow tools read and write. The tensors keep this
 * library's layouts (see {@link Checkpoint}), which are TensorFlow's, not PyTorch's.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * mapping each tensor name to {@code {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}},
 * plus an optional {@code "__metadata__"} object of strings; then the data section, each tensor
 * row-major little-endian at its offsets (relative to the data section), contiguous and
 * non-overlapping. The header is padded with spaces to a multiple of 8 bytes, as the Python package
 * writes it.
 *
 * <p>Writes go to a temporary file in the target directory, are forced to disk, and are renamed
 * over the target atomically, so an interrupted write leaves the previous file intact. Reads
 * validate the whole file before returning anything.
 */
public final class SafeTensors {

    /** The largest header accepted, the Python package's limit; a larger length means a corrupt file. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    /** The largest data section {@link #read} takes: one Java array's worth of bytes. */
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE;

    private static final String METADATA = "__metadata__";
    private static final String F32 = "F32";

    /**
     * Bytes per element of the reference's byte-sized dtypes, so that {@link #readMetadata} can check the
     * layout of any file; {@link #read} takes F32 alone.
     */
    private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("U8", 1),
            Map.entry("I8", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("I16", 2),
            Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry(F32, 4), Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));
    private static final int CHUNK_FLOATS = 1 << 14;
    private static final RandomGenerator RANDOM = new java.security.SecureRandom();

    private SafeTensors() {
    }

    /**
     * The contents of a safetensors file.
     *
     * @param tensors the tensors by name, in the order the header lists them
     * @param metadata the {@code __metadata__} strings, empty when absent
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** Copies both maps (unmodifiable, order kept). */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Writes {@code tensors} (in map order) and {@code metadata} to {@code file} atomically: the old
     * file, if any, is replaced only once the new one is complete on disk. A symbolic link is followed,
     * so the file it names is the one replaced; a replaced file keeps its permissions, and a new one gets
     * the directory's defaults (the umask applies).
     *
     * @param file     the file to create or replace
     * @param tensors  the tensors by name
     * @param metadata strings stored under {@code __metadata__}; none is written when empty
     * @throws IOException              if {@code file} exists but is not a regular file, names a root
     *                                  directory or a loop of symbolic links, its directory does not exist,
     *                                  or writing fails; a previous file is then left as it was
     * @throws IllegalArgumentException if a tensor name is {@code __metadata__}, a name, metadata key or
     *                                  metadata value is not valid Unicode, the header (names, shapes and
     *                                  metadata) would pass {@link #MAX_HEADER_BYTES}, or the tensors would pass
     *                                  the 2 GiB of data {@link #read} takes; nothing is written then
     * @throws NullPointerException     if an argument, a name, a tensor, a metadata key or a metadata value
     *                                  is null
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, UnaryOperator.identity());
    }

    /** {@link #write(Path, Map, Map)} with {@code filter} around the file stream (tests inject failures). */
    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
            UnaryOperator<OutputStream> filter) throws IOException {
        LayerChecks.notNull("file", file);
        LayerChecks.notNull("tensors", tensors);
        LayerChecks.notNull("metadata", metadata);
        byte[] header = header(tensors, metadata);
        Path target = regularFileTarget(file);
        Path directory = target.getParent();
        Path temporary = createTemporary(directory);
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                OutputStream out = filter.apply(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
                ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                out.write(length.putLong(header.length).array());
                out.write(header);
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor tensor : tensors.values()) {
                    float[] data = tensor.data();
                    for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
                        int count = Math.min(CHUNK_FLOATS, data.length - from);
                        chunk.clear();
                        chunk.asFloatBuffer().put(data, from, count);
                        out.write(chunk.array(), 0, count * Float.BYTES);
                    }
                }
                out.flush();
                channel.force(true);
            }
            // After writing: a read-only target's mode would have stopped the write itself.
            if (Files.exists(target) && Files.getFileStore(target).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temporary);
            }
        }
        forceDirectory(directory);
    }

    /** Symbolic links followed at most this many times, as Linux's own limit (ELOOP). */
    private static final int MAX_SYMBOLIC_LINKS = 40;

    /**
     * The regular file a write to {@code file} replaces: symbolic links followed (so a "latest" link keeps
     * pointing at the checkpoint it names, and that file is the one updated), in a directory that exists.
     *
     * @throws IOException naming {@code file} if it exists but is not a regular file (a directory, a
     *     device), its directory does not exist, or its links loop
     */
    private static Path regularFileTarget(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        for (int links = 0; Files.isSymbolicLink(target); links++) {
            if (links == MAX_SYMBOLIC_LINKS) {
                throw new FileSystemException(file.toString(), null, "too many levels of symbolic links");
            }
            // Relative to the link's real directory: ".." in the link text must climb from there, as the
            // file system does, not from the path the link was reached by.
            target = target.getParent().toRealPath().resolve(Files.readSymbolicLink(target));
        }
        if (target.getFileName() == null) {
            throw new FileSystemException(file.toString(), null, "names a root directory, not a file");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new FileSystemException(file.toString(), null, "exists and is not a regular file");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new NoSuchFileException(file.toString(), null, "no directory " + target.getParent() + " to write it in");
        }
        return target.getParent().toRealPath().resolve(target.getFileName());
    }

    /**
     * A new empty file in {@code directory}, with the permissions a new file gets there (the umask
     * applies; {@link Files#createTempFile} would make it owner-only). Its short name leaves room for
     * the longest target name.
     */
    private static Path createTemporary(Path directory) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temporary = directory.resolve(".safetensors-" + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                return Files.createFile(temporary);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename itself durable; not every platform lets a directory be opened, so failures are ignored. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file is complete either way; only durability across a power cut is at stake.
        }
    }

    /** {@code text}, if UTF-8 can encode it: a lone surrogate would be written as '?', a different name. */
    private static String encodable(String what, String text) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(LayerChecks.notNull(what, text))) {
            throw new IllegalArgumentException(what + " " + Json.quote(text) + " is not valid Unicode (a lone surrogate)");
        }
        return text;
    }

    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(METADATA)).append(":{");
            String separator = "";
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                json.append(separator).append(Json.quote(encodable("metadata key", entry.getKey())))
                        .append(':').append(Json.quote(encodable("metadata value", entry.getValue())));
                separator = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            String name = encodable("tensor name", entry.getKey());
            if (name.equals(METADATA)) {
                throw new IllegalArgumentException("a tensor may not be named " + METADATA);
            }
            Tensor tensor = LayerChecks.notNull("tensor " + name, entry.getValue());
            long end = offset + (long) tensor.size() * Float.BYTES;
            json.append(json.length() > 1 ? "," : "").append(Json.quote(name)).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = tensor.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i > 0 ? "," : "").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        checkDataBytes(offset);
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) & ~7;
        if (padded > MAX_HEADER_BYTES) {
            // read would refuse the file: writing it would replace a good file with an unreadable one.
            throw new IllegalArgumentException("the header would be " + padded + " bytes, more than the "
                    + MAX_HEADER_BYTES + " a file may have; too many or too long names or metadata strings");
        }
        byte[] header = new byte[padded];
        System.arraycopy(text, 0, header, 0, text.length);
        Arrays.fill(header, text.length, padded, (byte) ' ');
        return header;
    }

    /** Refuses a data section {@link #read} would refuse: writing it would replace a good file with an unreadable one. */
    private static void checkDataBytes(long bytes) {
        if (bytes > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("the tensors hold " + bytes + " bytes of data, more than the "
                    + MAX_DATA_BYTES + " a file may have here (2 GiB, one Java array)");
        }
    }

    /**
     * Reads and validates the whole of {@code file}.
     *
     * @param file a safetensors file holding only F32 tensors
     * @return every tensor, in header order, and the metadata
     * @throws IOException naming the file and the problem when it cannot be opened or read, when its
     *     data section passes 2 GiB (this reader's limit) or it holds a tensor of a dtype other than F32,
     *     or when it is truncated or corrupt: a bad header length, invalid JSON, an unknown dtype, a
     *     malformed shape, offsets that do not match the shape, overlap, leave gaps or run past the data
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel channel = open(file)) {
            Header header = header(file, channel);
            if (header.dataLength > MAX_DATA_BYTES) {
                throw unsupported(file, "its data section of " + header.dataLength + " bytes is larger than the "
                        + MAX_DATA_BYTES + " this reader takes (one Java array)");
            }
            for (Entry entry : header.entries) {
                if (!entry.dtype.equals(F32)) {
                    throw unsupported(file, "tensor " + Json.quote(entry.name) + " has dtype " + entry.dtype
                            + "; only F32 is supported");
                }
            }
            ByteBuffer data = readFully(file, channel, Long.BYTES + header.length, (int) header.dataLength)
                    .order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry entry : header.entries) {
                float[] values = new float[Math.toIntExact(entry.elements)];
                data.slice((int) entry.begin, (int) (entry.end - entry.begin)).order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer().get(values);
                tensors.put(entry.name, new Tensor(values, entry.shape));
            }
            return new Contents(tensors, header.metadata);
        }
    }

    /**
     * Reads the metadata of {@code file}, checking its header and layout but reading no tensor data: so any
     * safetensors file, of any size and with tensors of any of the format's byte-sized dtypes.
     *
     * @param file a safetensors file
     * @return the {@code __metadata__} strings in the file's order; empty when it has none
     * @throws IOException naming the file and the problem when it cannot be opened or read, or when its
     *     header is corrupt or does not match the file's length (as for {@link #read})
     */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel channel = open(file)) {
            return header(file, channel).metadata;
        }
    }

    private static FileChannel open(Path file) throws IOException {
        LayerChecks.notNull("file", file);
        if (Files.isDirectory(file)) {
            // Opening one succeeds on Linux, and the first read then fails with only "Is a directory".
            throw new IOException("cannot read " + file + " as a safetensors file: it is a directory");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** A file's header, validated against the file's length: the entries tile the data section exactly. */
    private record Header(long length, long dataLength, List<Entry> entries, Map<String, String> metadata) {
    }

    private static Header header(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < Long.BYTES) {
            throw corrupt(file, "truncated: " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = readFully(file, channel, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes.getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw corrupt(file, "header length " + Long.toUnsignedString(headerLength) + " is outside [0, "
                    + MAX_HEADER_BYTES + "]");
        }
        if (headerLength > size - Long.BYTES) {
            throw corrupt(file, "truncated: header length " + headerLength + " but only " + (size - Long.BYTES)
                    + " bytes follow the length field");
        }
        long dataLength = size - Long.BYTES - headerLength;
        String json = decodeUtf8(file, readFully(file, channel, Long.BYTES, (int) headerLength));
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = parseHeader(file, json, entries);
        checkLayout(file, entries, dataLength);
        return new Header(headerLength, dataLength, entries, metadata);
    }

    /** One header entry, validated on its own; {@link #checkLayout} checks the entries together. */
    private record Entry(String name, String dtype, int[] shape, long elements, long begin, long end) {
    }

    private static Map<String, String> parseHeader(Path file, String json, List<Entry> entries) throws IOException {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.JsonException e) {
            throw corrupt(file, "header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw corrupt(file, "header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> item : map.entrySet()) {
            String name = (String) item.getKey();
            if (name.equals(METADATA)) {
                if (item.getValue() == null) {
                    continue; // the reference reads a null __metadata__ as none
                }
                if (!(item.getValue() instanceof Map<?, ?> values)) {
                    throw corrupt(file, METADATA + " is not an object");
                }
                for (Map.Entry<?, ?> value : values.entrySet()) {
                    if (!(value.getValue() instanceof String text)) {
                        throw corrupt(file, METADATA + " value of " + Json.quote((String) value.getKey())
                                + " is not a string");
                    }
                    metadata.put((String) value.getKey(), text);
                }
                continue;
            }
            entries.add(entry(file, name, item.getValue()));
        }
        return metadata;
    }

    private static Entry entry(Path file, String name, Object value) throws IOException {
        String where = "tensor " + Json.quote(name);
        if (!(value instanceof Map<?, ?> fields)) {
            throw corrupt(file, where + " is not an object");
        }
        // Other fields are ignored, as the reference reader (serde without deny_unknown_fields) ignores them.
        Object dtype = fields.get("dtype");
        if (!(dtype instanceof String type)) {
            throw corrupt(file, where + " has no string dtype");
        }
        Integer elementBytes = ELEMENT_BYTES.get(type);
        if (elementBytes == null) {
            throw corrupt(file, where + " has unknown dtype " + type);
        }
        long[] shapeValues = longs(file, where + " shape", fields.get("shape"), -1);
        int[] shape = new int[shapeValues.length];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shapeValues[i] < 0 || shapeValues[i] > Integer.MAX_VALUE) {
                throw corrupt(file, where + " has invalid dimension " + shapeValues[i]);
            }
            shape[i] = (int) shapeValues[i];
            elements *= shape[i];
            if (elements > Integer.MAX_VALUE) {
                throw corrupt(file, where + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        long[] offsets = longs(file, where + " data_offsets", fields.get("data_offsets"), 2);
        if (offsets[0] < 0 || offsets[1] < offsets[0]) {
            throw corrupt(file, where + " has invalid data_offsets [" + offsets[0] + ", " + offsets[1] + "]");
        }
        if (offsets[1] - offsets[0] != elements * elementBytes) {
            throw corrupt(file, where + " data_offsets [" + offsets[0] + ", " + offsets[1] + "] hold "
                    + (offsets[1] - offsets[0]) + " bytes but shape " + Shapes.text(shape) + " of " + type
                    + " needs " + elements * elementBytes);
        }
        return new Entry(name, type, shape, elements, offsets[0], offsets[1]);
    }

    private static long[] longs(Path file, String what, Object value, int expectedLength) throws IOException {
        if (!(value instanceof List<?> list)) {
            throw corrupt(file, what + " is missing or not an array");
        }
        if (expectedLength >= 0 && list.size() != expectedLength) {
            throw corrupt(file, what + " has " + list.size() + " values, expected " + expectedLength);
        }
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Long number)) {
                throw corrupt(file, what + " holds " + list.get(i) + ", not an integer");
            }
            result[i] = number;
        }
        return result;
    }

    /** Tensors must tile the data section exactly: sorted by offset, each begins where the last ended. */
    private static void checkLayout(Path file, List<Entry> entries, long dataLength) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry entry : sorted) {
            if (entry.begin < expected) {
                throw corrupt(file, "tensors " + Json.quote(previous.name) + " and " + Json.quote(entry.name)
                        + " overlap (bytes " + entry.begin + " to " + expected + ")");
            }
            if (entry.begin > expected) {
                throw corrupt(file, "gap in the data section: bytes " + expected + " to " + entry.begin
                        + " belong to no tensor (before " + Json.quote(entry.name) + ")");
            }
            expected = entry.end;
            previous = entry;
        }
        if (expected > dataLength) {
            throw corrupt(file, "truncated: tensors need " + expected + " data bytes, the file has " + dataLength
                    + " (tensor " + Json.quote(previous.name) + " runs past the end)");
        }
        if (expected < dataLength) {
            throw corrupt(file, "data section has " + dataLength + " bytes but the tensors cover only " + expected);
        }
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(file, "header is not valid UTF-8");
        }
    }

    /** Reads {@code length} bytes at {@code position}: the size was checked before, but the file may shrink meanwhile. */
    private static ByteBuffer readFully(Path file, FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read;
            try {
                read = channel.read(buffer, position + buffer.position());
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (read < 0) {
                throw corrupt(file, "it ended while reading " + length + " bytes at " + position
                        + " (was it truncated while being read?)");
            }
        }
        return buffer.flip();
    }

    private static IOException corrupt(Path file, String problem) {
        return new IOException("not a valid safetensors file " + file + ": " + problem);
    }

    private static IOException unsupported(Path file, String problem) {
        return new IOException("cannot read the safetensors file " + file + ": " + problem);
    }
}
