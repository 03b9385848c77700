package io.sluice.monitoring;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: each column as wide as its widest cell, numbers aligned right, text left,
 * two spaces between columns, and the last column never padded (it may hold a long path).
 */
public final class TextTable {

    private final String indent;
    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** @param columns each header, ending in {@code >} for a right-aligned (numeric) column */
    public TextTable(String indent, String... columns) {
        this.indent = indent;
        headers = new String[columns.length];
        right = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            right[i] = columns[i].endsWith(">");
            headers[i] = right[i] ? columns[i].substring(0, columns[i].length() - 1) : columns[i];
        }
    }

    public TextTable row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(row);
        return this;
    }

    public void print(PrintStream out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        line(out, headers, widths);
        rows.forEach(row -> line(out, row, widths));
    }

    private void line(PrintStream out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String padding = " ".repeat(widths[i] - cells[i].length());
            if (right[i]) {
                line.append(padding).append(cells[i]);
            } else {
                line.append(cells[i]).append(last ? "" : padding);
            }
            if (!last) {
                line.append("  ");
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
