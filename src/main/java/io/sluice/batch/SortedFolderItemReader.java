package io.sluice.batch;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Hands out the entries of one folder that pass a filter (the run folders of DynoAI's
 * {@code runs/}, the {@code *.json} files of Data Wrangler's {@code workflows/}), one at a time and
 * in name order, each turned into a {@link SourceRecord} by a function of the store's own. Only the
 * names are held in memory; an entry is read when it is handed out.
 *
 * <p>Restart resumes after the last committed entry: the position (how many entries were handed
 * out) is saved at each chunk with a {@link ListingFingerprint} of the entries before it. When those
 * entries changed since (one added, removed or rewritten before the position), the restarted reader
 * hands out every entry again from the first and says so ({@link SourceChange}). Progress is
 * published as entries handed out of entries listed ({@link StepProgress}).
 *
 * <p>Made with {@link #of} and its {@link Builder}.
 *
 * @param <T> what a record carries: the entry's path itself, or what was read from it
 */
public final class SortedFolderItemReader<T> extends ItemStreamSupport implements ItemStreamReader<SourceRecord<T>> {

    private static final String NEXT = "next";
    private static final String FINGERPRINT = "fingerprint";

    private final Path folder;
    private final Predicate<Path> filter;
    private final String entries;
    private final String source;
    private final boolean missingIsEmpty;
    private final String unit;
    private final Function<Path, SourceRecord<T>> record;
    /** Of the entries handed out: a restart tells by it whether the entries before its position changed. */
    private final ListingFingerprint read;
    private List<String> names = List.of();
    private int next;

    private SortedFolderItemReader(Builder<T> builder) {
        setName(builder.name);
        this.folder = builder.folder;
        this.filter = builder.filter;
        this.entries = builder.entries;
        this.source = builder.source != null ? builder.source : builder.entries;
        this.missingIsEmpty = builder.missingIsEmpty;
        this.unit = builder.unit;
        this.record = builder.record;
        Function<Path, List<Path>> fingerprinted = builder.fingerprinted;
        this.read = new ListingFingerprint(entry -> fingerprinted.apply(folder.resolve(entry)));
    }

    /**
     * Starts a reader of the entries of {@code folder}.
     *
     * @param name   the reader's name, the prefix of its keys in the step's execution context (its restart key)
     * @param folder the folder whose entries are read
     * @param record turns an entry (its path: {@code folder} resolved with its name) into the record to hand
     *               out; a fault of the entry's content belongs in the record, for the processor to reject
     */
    public static <T> Builder<T> of(String name, Path folder, Function<Path, SourceRecord<T>> record) {
        return new Builder<>(name, folder, record);
    }

    /**
     * Lists the folder, then takes up the position saved in {@code context}, or the first entry when
     * none is saved or the entries before it changed.
     *
     * @throws ItemStreamException when the folder cannot be listed ({@code "cannot list <entries> in <folder>"}),
     *                             a missing one included unless {@link Builder#missingFolderIsEmpty} was asked for
     */
    @Override
    public void open(ExecutionContext context) {
        List<String> found = new ArrayList<>();
        if (!missingIsEmpty || Files.isDirectory(folder)) {
            try (DirectoryStream<Path> listed = Files.newDirectoryStream(folder, filter::test)) {
                listed.forEach(entry -> found.add(entry.getFileName().toString()));
            } catch (IOException e) {
                throw new ItemStreamException("cannot list " + entries + " in " + folder, e);
            }
        }
        Collections.sort(found);
        names = found;
        int saved = context.getInt(getExecutionContextKey(NEXT), 0);
        next = Math.min(saved, names.size());
        long readBefore = read.restartAfter(names, next);
        String fingerprint = getExecutionContextKey(FINGERPRINT);
        if (saved > 0 && context.containsKey(fingerprint) && (saved > names.size() || context.getLong(fingerprint) != readBefore)) {
            next = 0;
            read.restartAfter(names, 0);
            SourceChange.readAgainFromTheStart(context, source);
        }
    }

    /** The next entry's record, or null after the last entry. */
    @Override
    public SourceRecord<T> read() {
        if (next >= names.size()) {
            return null;
        }
        String name = names.get(next++);
        read.add(name);
        return record.apply(folder.resolve(name));
    }

    /** Saves the position and the fingerprint of the entries before it, and publishes the progress. */
    @Override
    public void update(ExecutionContext context) {
        context.putInt(getExecutionContextKey(NEXT), next);
        context.putLong(getExecutionContextKey(FINGERPRINT), read.value());
        StepProgress.publish(context, next, names.size(), unit);
    }

    /** What a {@link SortedFolderItemReader} lists and how it names it; each setter returns this builder. */
    public static final class Builder<T> {

        private final String name;
        private final Path folder;
        private final Function<Path, SourceRecord<T>> record;
        private Predicate<Path> filter = entry -> true;
        private String entries = "the entries";
        private String source;
        private boolean missingIsEmpty;
        private Function<Path, List<Path>> fingerprinted = List::of;
        private String unit = "entries";

        private Builder(String name, Path folder, Function<Path, SourceRecord<T>> record) {
            this.name = Objects.requireNonNull(name, "name");
            this.folder = Objects.requireNonNull(folder, "folder");
            this.record = Objects.requireNonNull(record, "record");
        }

        /**
         * Which entries are read (default: all) and what they are called in a listing failure
         * ({@code "the run folders"}), and in the notice of a changed folder unless {@link #changedSourceCalled} says otherwise.
         */
        public Builder<T> entries(Predicate<Path> filter, String entries) {
            this.filter = Objects.requireNonNull(filter, "filter");
            this.entries = Objects.requireNonNull(entries, "entries");
            return this;
        }

        /** How the {@link SourceChange} notice names the folder, as the user knows it ({@code "workflows/"}). */
        public Builder<T> changedSourceCalled(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** A missing folder holds no entries (by default it is a listing failure). */
        public Builder<T> missingFolderIsEmpty() {
            this.missingIsEmpty = true;
            return this;
        }

        /**
         * The files read for an entry, given its path, whose size and modification time tell a
         * restart whether the entry changed (default: the entry itself); a missing file counts as missing.
         */
        public Builder<T> fingerprinting(Function<Path, List<Path>> files) {
            this.fingerprinted = Objects.requireNonNull(files, "files");
            return this;
        }

        /** What the published progress counts ({@code "folders"}, {@code "files"}; default {@code "entries"}). */
        public Builder<T> progressIn(String unit) {
            this.unit = Objects.requireNonNull(unit, "unit");
            return this;
        }

        public SortedFolderItemReader<T> build() {
            return new SortedFolderItemReader<>(this);
        }
    }
}
