package io.sluice.batch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Tells whether a file is still the one a reader saved a position in: its size, its modification
 * time, and a CRC-32 of its first 4 KiB and of the 4 KiB before the position, as one string saved
 * beside the position. A file rewritten since (DynoAI rewrites its whole {@code index.json} on
 * every status change) differs in one of them, and a restart must then read it from the start
 * rather than seek to a byte offset in another file.
 *
 * <p>The windows are read through a channel of the reader's own, so that what is saved describes
 * the file the reader is reading even if the path is replaced under it. A reader that keeps no byte
 * position in its file (Hamilton's SQLite store, read by row count) fingerprints the whole file
 * instead ({@link #ofWhole}).
 */
public final class FileFingerprint implements Closeable {

    private static final int WINDOW = 4096;

    private final FileChannel channel;
    private final long size;
    private final long modified;

    private FileFingerprint(FileChannel channel, long size, long modified) {
        this.channel = channel;
        this.size = size;
        this.modified = modified;
    }

    /** The file as it is now, to fingerprint positions in it. */
    static FileFingerprint of(Path file) throws IOException {
        long modified = Files.getLastModifiedTime(file).toMillis();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new FileFingerprint(channel, channel.size(), modified);
    }

    /**
     * The fingerprint of a whole file as it is now: its size, its modification time, and a CRC-32 of
     * its first and of its last 4 KiB, as one string to save. Any write to the file changes at least
     * its time; a SQLite commit also changes the header in its first bytes (its change counter).
     *
     * @throws IOException when the file cannot be read ({@link java.nio.file.NoSuchFileException} when it is not there)
     */
    public static String ofWhole(Path file) throws IOException {
        try (FileFingerprint fingerprint = of(file)) {
            return fingerprint.at(fingerprint.size);
        }
    }

    /** Whether the file now at {@code file} is the one {@code saved} was taken of at {@code position}. */
    static boolean matches(Path file, long position, String saved) throws IOException {
        try (FileFingerprint now = of(file)) {
            return now.at(position).equals(saved);
        }
    }

    /** The fingerprint of this file at a byte position. */
    String at(long position) throws IOException {
        return size + ":" + modified + ":" + crc(0, Math.min(WINDOW, position)) + ":"
                + crc(Math.max(0, position - WINDOW), Math.min(WINDOW, position));
    }

    private String crc(long from, long length) throws IOException {
        ByteBuffer window = ByteBuffer.allocate((int) Math.max(0, length));
        while (window.hasRemaining() && channel.read(window, from + window.position()) > 0) {
            // positional reads until the window is full or the file ends
        }
        CRC32 crc = new CRC32();
        crc.update(window.flip());
        return Long.toHexString(crc.getValue());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
