package io.sluice.migration.hamilton;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ways the Python tools spell one password in text: as it is; URL-encoded as
 * {@code urllib.parse.quote_plus} does (Hamilton's connection strings: space as {@code +},
 * {@code @} as {@code %40}) and as {@code quote} does (space as {@code %20}, with and without
 * {@code /} kept); escaped inside a JSON string ({@code json.dumps}, ASCII-only or not); inside a
 * single-quoted libpq value or Python literal ({@code \'}, {@code \\}); inside an SQL literal
 * ({@code ''}); inside an ODBC braced value ({@code }}}); inside an ADO.NET double-quoted value
 * ({@code ""}). Also the inverse: decoding {@code quote}'s and {@code quote_plus}'s output.
 */
final class PasswordSpellings {

    /** Characters {@code urllib.parse.quote} never encodes. */
    private static final String ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PasswordSpellings() {
    }

    /** Every spelling of a non-empty password, the password itself first; no duplicates. */
    static Set<String> of(String password) {
        Set<String> spellings = new LinkedHashSet<>();
        spellings.add(password);
        spellings.add(quotePlus(password));
        spellings.add(quote(password, "/"));
        spellings.add(quote(password, ""));
        spellings.add(jsonEscaped(password, true));
        spellings.add(jsonEscaped(password, false));
        spellings.add(password.replace("\\", "\\\\").replace("'", "\\'"));
        spellings.add(password.replace("\\", "\\\\"));
        spellings.add(password.replace("'", "''"));
        spellings.add(password.replace("}", "}}"));
        spellings.add(password.replace("\"", "\"\""));
        return spellings;
    }

    /** As Python's {@code urllib.parse.quote_plus(text)}: UTF-8, space as {@code +}, upper-case hex. */
    static String quotePlus(String text) {
        return encode(text, "", true);
    }

    /** As Python's {@code urllib.parse.quote(text, safe)}. */
    static String quote(String text, String safe) {
        return encode(text, safe, false);
    }

    /** As Python's {@code urllib.parse.unquote_plus}: {@code +} is a space, bad escapes stay as they are. */
    static String unquotePlus(String text) {
        return decode(text, true);
    }

    /** As Python's {@code urllib.parse.unquote}. */
    static String unquote(String text) {
        return decode(text, false);
    }

    private static String encode(String text, String safe, boolean plus) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (ALWAYS_SAFE.indexOf(c) >= 0 || safe.indexOf(c) >= 0)) {
                encoded.append(c);
            } else if (plus && c == ' ') {
                encoded.append('+');
            } else {
                encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return encoded.toString();
    }

    private static String decode(String text, boolean plus) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else if (plus && c == '+') {
                bytes.write(' ');
            } else {
                int codePoint = text.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** The content of a JSON string as {@code json.dumps} writes it ({@code ensure_ascii} as given). */
    private static String jsonEscaped(String text, boolean asciiOnly) {
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                case '\b' -> escaped.append("\\b");
                case '\f' -> escaped.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7e)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
