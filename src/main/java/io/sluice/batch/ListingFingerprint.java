package io.sluice.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Function;

/**
 * A running 64-bit fingerprint of what a sorted-folder reader has handed out so far: each entry's
 * name, and the size and modification time of the files it reads for it. Saved beside the
 * reader's position, it tells a restart whether the entries before that position are still the
 * ones that were read: a folder that gained or lost an entry there, or an entry rewritten since,
 * gives another value, and the reader must then start over ({@link SourceChange}) rather than skip
 * entries that were never read or trust ones that changed.
 */
public final class ListingFingerprint {

    private static final long START = 0xcbf29ce484222325L;

    private final Function<String, List<Path>> filesOf;
    private long value = START;

    /** @param filesOf the files read for an entry, by its name (a missing one counts as missing) */
    public ListingFingerprint(Function<String, List<Path>> filesOf) {
        this.filesOf = filesOf;
    }

    /** Adds the next entry handed out. */
    public void add(String name) {
        mix(name.hashCode());
        mix(name.length());
        for (Path file : filesOf.apply(name)) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                mix(attributes.size());
                mix(attributes.lastModifiedTime().toMillis());
            } catch (IOException e) {
                mix(-1);
            }
        }
    }

    /** The fingerprint of what was added so far, to save. */
    public long value() {
        return value;
    }

    /** Starts over and adds the first {@code count} of these names: what a reader that handed them out would have saved. */
    public long restartAfter(List<String> names, int count) {
        value = START;
        names.stream().limit(count).forEach(this::add);
        return value;
    }

    private void mix(long part) {
        value ^= part;
        value *= 0x100000001b3L;
        value ^= value >>> 29;
    }
}
