package io.sluice.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL script cut into its statements, each with the line it starts on, as {@code psql} reads one:
 * statements end at a {@code ;} outside quotes and comments; {@code --} and {@code /* *}{@code /}
 * comments (nested, as PostgreSQL's), {@code '...'} strings ({@code ''} inside; {@code E'...'} with
 * backslash escapes), {@code "..."} identifiers and {@code $tag$...$tag$} bodies are kept whole. A
 * line that starts with a backslash between statements is a psql meta-command ({@code \c db},
 * {@code \set name value}): it is no SQL, and is listed apart. A last statement without its
 * {@code ;} counts too. A {@code COPY ... FROM stdin;} statement (as {@code pg_dump} writes them) takes
 * the lines after it, up to a line {@code \.}, as its data.
 *
 * @param statements the statements, in order, without their {@code ;}
 * @param metaCommands the psql meta-commands, in order
 */
public record SqlScript(List<Statement> statements, List<Statement> metaCommands) {

    private static final java.util.regex.Pattern COPY_FROM_STDIN = java.util.regex.Pattern.compile("(?is)^COPY\\b.*\\bFROM\\s+STDIN\\b.*");

    /**
     * One statement or meta-command of the script.
     *
     * @param line     the line it starts on, from 1
     * @param text     its text, trimmed, comments kept
     * @param copyData the rows of a {@code COPY ... FROM stdin} (lines, each ending in a newline), or null
     */
    public record Statement(int line, String text, String copyData) {

        public Statement(int line, String text) {
            this(line, text, null);
        }

        /** Its first line, cut at 80 characters, for messages. */
        public String firstLine() {
            String first = text.lines().findFirst().orElse("").strip();
            return first.length() > 80 ? first.substring(0, 77) + "..." : first;
        }
    }

    /** Cuts {@code script} into statements and meta-commands. */
    public static SqlScript parse(String text) {
        String script = text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark is no SQL
        List<Statement> statements = new ArrayList<>();
        List<Statement> metaCommands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = 1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            boolean blank = current.toString().isBlank();
            if (blank && c == '\\' && atLineStart(script, i)) {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                metaCommands.add(new Statement(line, script.substring(i, end).strip()));
                i = end;
                continue;
            }
            if (blank && !Character.isWhitespace(c)) {
                startLine = line;
            }
            if (c == '\n') {
                line++;
                current.append(c);
                i++;
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                if (!blank) {
                    current.append(script, i, end);
                }
                i = end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = blockCommentEnd(script, i);
                line += count(script, i, end, '\n');
                if (!blank) {
                    current.append(script, i, end);
                }
                i = end;
            } else if (c == '\'' || c == '"') {
                boolean backslashes = c == '\'' && i > 0 && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(script.charAt(i - 2)));
                int end = quotedEnd(script, i, c, backslashes);
                line += count(script, i, end, '\n');
                current.append(script, i, end);
                i = end;
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                int close = script.indexOf(tag, i + tag.length());
                int end = close < 0 ? n : close + tag.length();
                line += count(script, i, end, '\n');
                current.append(script, i, end);
                i = end;
            } else if (c == ';') {
                String statement = current.toString().strip();
                add(statements, startLine, current);
                i++;
                if (COPY_FROM_STDIN.matcher(statement).matches()) {
                    int dataStart = script.indexOf('\n', i);
                    dataStart = dataStart < 0 ? n : dataStart + 1;
                    int end = dataStart;
                    StringBuilder data = new StringBuilder();
                    while (end < n) {
                        int lineEnd = script.indexOf('\n', end);
                        String dataLine = script.substring(end, lineEnd < 0 ? n : lineEnd);
                        end = lineEnd < 0 ? n : lineEnd + 1;
                        if (dataLine.equals("\\.") || dataLine.equals("\\.\r")) {
                            break;
                        }
                        data.append(dataLine).append('\n');
                    }
                    line += count(script, i, end, '\n');
                    Statement copy = statements.remove(statements.size() - 1);
                    statements.add(new Statement(copy.line(), copy.text(), data.toString()));
                    i = end;
                }
            } else {
                current.append(c);
                i++;
            }
        }
        add(statements, startLine, current);
        return new SqlScript(List.copyOf(statements), List.copyOf(metaCommands));
    }

    private static void add(List<Statement> statements, int line, StringBuilder text) {
        String statement = text.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(new Statement(line, statement));
        }
        text.setLength(0);
    }

    private static boolean atLineStart(String script, int at) {
        for (int k = at - 1; k >= 0 && script.charAt(k) != '\n'; k--) {
            if (!Character.isWhitespace(script.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** The index after the comment that opens at {@code at}, nested comments included (or the end). */
    private static int blockCommentEnd(String script, int at) {
        int depth = 0;
        int i = at;
        while (i + 1 < script.length()) {
            if (script.charAt(i) == '/' && script.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (script.charAt(i) == '*' && script.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return script.length();
    }

    /** The index after the quoted text that opens at {@code at} (a doubled quote stays inside), or the end. */
    private static int quotedEnd(String script, int at, char quote, boolean backslashes) {
        int i = at + 1;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return script.length();
    }

    /** The dollar-quote tag ({@code $$}, {@code $body$}) that opens at {@code at}, or null when none does. */
    private static String dollarTag(String script, int at) {
        if (at > 0 && (Character.isLetterOrDigit(script.charAt(at - 1)) || script.charAt(at - 1) == '_')) {
            return null; // a $ inside an identifier, or a parameter such as $1
        }
        int i = at + 1;
        while (i < script.length() && (Character.isLetter(script.charAt(i)) || script.charAt(i) == '_'
                || (i > at + 1 && Character.isDigit(script.charAt(i))))) {
            i++;
        }
        return i < script.length() && script.charAt(i) == '$' ? script.substring(at, i + 1) : null;
    }

    private static int count(String text, int from, int to, char c) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                count++;
            }
        }
        return count;
    }
}
