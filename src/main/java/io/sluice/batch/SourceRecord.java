package io.sluice.batch;

/**
 * One record read from a legacy store, with where it came from so that a rejection can name it.
 *
 * @param file     the store file, relative to the store root
 * @param location where in that file: a JSON pointer, a line, or a table and key
 * @param value    the record as read (its {@code toString()} is written to the reject file: no secrets)
 */
public record SourceRecord<T>(String file, String location, T value) {
}
