package io.sluice.batch;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamConstraintsException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a JSON file, said to the user: the parser's own words without its advice to
 * the programmer (Jackson's "enable `JsonReadFeature...`" and "from `StreamReadConstraints...`"),
 * and a file that cannot be read said as what it is ("permission denied", "is a folder"), never as
 * malformed JSON. Where the fault is (file, line, column) is the caller's to add.
 */
public final class JsonFaults {

    /** A clause of Jackson's that speaks of its own features or settings, from its separator on. */
    private static final Pattern JACKSON_ADVICE = Pattern.compile(
            "\\s*[:;,(]?\\s*(?:enable|from|disable|set|use)?\\s*`?(?:Json|Stream|Deserialization)(?:Read|Write)?(?:Feature|Constraints)\\b.*$",
            Pattern.DOTALL);
    private static final Pattern EXPECTED_VALUE = Pattern.compile("\\(JSON String, Number \\(or [^)]*\\), Array, Object or token 'null', 'true' or 'false'\\)");

    private static final Pattern JAVA_IO_REASON = Pattern.compile(".* \\(([^()]+)\\)");

    private JsonFaults() {
    }

    /** The fault of a parse, as a reason for the reject file ("not valid JSON: ...", "cannot be read: permission denied"). */
    public static String describe(JacksonException e) {
        if (e instanceof JacksonIOException && e.getCause() instanceof IOException io) {
            return "cannot be read: " + describe(io);
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            if (message.contains("nesting depth")) {
                return "nested deeper than " + LegacyJson.MAX_DEPTH + " levels (more than any JSON column can hold)";
            }
            if (message.startsWith("Number value length")) {
                return "holds a number longer than " + LegacyJson.MAX_NUMBER_LENGTH + " characters";
            }
            if (message.startsWith("String value length")) {
                return "holds a text longer than the longest a record may hold";
            }
        }
        return "not valid JSON: " + userWords(message);
    }

    /** Why a file could not be read: "permission denied", "is a folder, not a file", "it does not exist", ... */
    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
        if (reason == null) {
            return e.getClass().getSimpleName();
        }
        Matcher javaIo = JAVA_IO_REASON.matcher(reason); // java.io's "<path> (Is a directory)": the reason, without the path
        if (e instanceof FileNotFoundException && javaIo.matches()) {
            reason = javaIo.group(1);
        }
        if (reason.equalsIgnoreCase("Is a directory")) {
            return "it is a folder, not a file";
        }
        if (reason.equalsIgnoreCase("Not a directory")) {
            return "a part of its path is a file, not a folder";
        }
        return reason.toLowerCase(Locale.ROOT).startsWith("permission denied") ? "permission denied" : reason;
    }

    /** The parser's message without its advice to programmers. */
    static String userWords(String message) {
        String words = JACKSON_ADVICE.matcher(message).replaceFirst("");
        words = EXPECTED_VALUE.matcher(words).replaceAll("a JSON value");
        return words.isBlank() ? "the text there is not JSON" : words.strip();
    }
}
