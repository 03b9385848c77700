package io.sluice.migration.hamilton;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the passwords a connection string holds, in the forms the tools' users write:
 * <ul>
 *   <li>a URL's user info, any scheme and driver ({@code postgresql://user:pw@host/db},
 *       {@code mysql+pymysql://...}, {@code mssql+pyodbc://user:pw@dsn?driver=...},
 *       {@code jdbc:postgresql://...}), the password URL-encoded by {@code quote_plus};</li>
 *   <li>a {@code password}, {@code pwd}, {@code passwd} or {@code pass} key (any case) in a URL's query,
 *       an ODBC or ADO.NET string ({@code PWD=pw;}, {@code PWD={p;w}}, {@code Password='p''w'}),
 *       a libpq string ({@code password='p\'w' host=...}) or JSON-ish text
 *       ({@code {"password": "p\"w"}}, {@code {'password': 'pw'}}).</li>
 * </ul>
 * Each is given with where it stands, so that it can be taken out of the string.
 */
final class ConnectionPasswords {

    static final String MASK = "****";
    private static final Pattern URL_START = Pattern.compile("(?:jdbc:)?[A-Za-z][A-Za-z0-9+.\\-]*://");
    private static final Pattern KEY = Pattern.compile("(?i)(?<![A-Za-z0-9_])([\"']?)(password|passwd|pwd|pass)\\1\\s*([=:])\\s*");
    private static final Set<Character> QUERY_END = Set.of('&', ';', '#');

    private ConnectionPasswords() {
    }

    /**
     * A password found in a string.
     *
     * @param start    where its spelling starts in the string (quotes and braces included)
     * @param end      where it ends, exclusive
     * @param raw      its spelling inside the quotes, as written (URL-encoded in a URL)
     * @param password its value: URL user info and query values decoded as {@code unquote_plus} does
     *                 (Hamilton encodes with {@code quote_plus}), quoted values unescaped
     * @param userInfo whether it is a URL's user-info password (taken out with its {@code :})
     */
    record Found(int start, int end, String raw, String password, boolean userInfo) {

        /** Whether {@code candidate} is this password in one of the readings of its spelling. */
        boolean means(String candidate) {
            return candidate.equals(password) || candidate.equals(raw) || userInfo && candidate.equals(PasswordSpellings.unquote(raw));
        }
    }

    /** The passwords in the text, in order, none overlapping; empty for null text. */
    static List<Found> find(String text) {
        List<Found> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        Matcher url = URL_START.matcher(text);
        while (url.find()) {
            Found userInfo = userInfo(text, url.end());
            if (userInfo != null) {
                found.add(userInfo);
            }
        }
        Matcher key = KEY.matcher(text);
        while (key.find()) {
            boolean quotedKey = !key.group(1).isEmpty();
            if (key.group(3).equals(":") && !quotedKey) {
                continue; // "user:pass@" or prose, not a key
            }
            Found value = value(text, key.end(), quotedKey);
            if (value != null) {
                found.add(value);
            }
        }
        found.sort(Comparator.comparingInt(Found::start));
        List<Found> apart = new ArrayList<>();
        for (Found candidate : found) {
            if (apart.isEmpty() || candidate.start() >= apart.get(apart.size() - 1).end()) {
                apart.add(candidate);
            }
        }
        return apart;
    }

    /**
     * The text with every password found taken out: a URL's user-info password is removed with its
     * {@code :} ({@code postgresql://appuser@localhost:5433/db}), a key's value becomes {@code ****}.
     */
    static String withoutPasswords(String text) {
        List<Found> found = find(text);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder kept = new StringBuilder();
        int at = 0;
        for (Found password : found) {
            if (password.userInfo()) {
                kept.append(text, at, password.start() - 1); // drops the ':' before it
            } else {
                kept.append(text, at, password.start()).append(MASK);
            }
            at = password.end();
        }
        return kept.append(text.substring(at)).toString();
    }

    /** {@code scheme://user:password@...}: the user info ends at the last {@code @} before the query. */
    private static Found userInfo(String text, int from) {
        int end = from;
        while (end < text.length() && "?#".indexOf(text.charAt(end)) < 0 && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        int at = text.lastIndexOf('@', end - 1);
        if (at < from) {
            return null;
        }
        int colon = text.indexOf(':', from);
        if (colon < 0 || colon > at || text.substring(from, colon).contains("/")) {
            return null;
        }
        String raw = text.substring(colon + 1, at);
        return raw.isEmpty() ? null : new Found(colon + 1, at, raw, PasswordSpellings.unquotePlus(raw), true);
    }

    private static Found value(String text, int start, boolean json) {
        if (start >= text.length()) {
            return null;
        }
        char first = text.charAt(start);
        if (first == '{') {
            return braced(text, start);
        }
        if (first == '\'' || first == '"') {
            return quoted(text, start, first, json || !text.contains(";"));
        }
        boolean inQuery = text.lastIndexOf('?', start) >= 0 && URL_START.matcher(text).find();
        boolean semicolons = !inQuery && text.contains(";");
        int end = start;
        while (end < text.length()) {
            char c = text.charAt(end);
            if (inQuery ? QUERY_END.contains(c) || Character.isWhitespace(c) : semicolons ? c == ';' : Character.isWhitespace(c)
                    || (json && (c == ',' || c == '}'))) {
                break;
            }
            end++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        String raw = text.substring(start, end);
        if (raw.isEmpty()) {
            return null;
        }
        return new Found(start, end, raw, inQuery ? PasswordSpellings.unquotePlus(raw) : raw, false);
    }

    /** ODBC: {@code {...}}, a {@code }} inside stands for one. */
    private static Found braced(String text, int start) {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '}') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '}') {
                    value.append('}');
                    i += 2;
                    continue;
                }
                return found(text, start, i + 1, text.substring(start + 1, i), value.toString());
            }
            value.append(c);
            i++;
        }
        return found(text, start, text.length(), text.substring(start + 1), value.toString());
    }

    /** A quoted value: the quote doubled stands for one; with backslashes, {@code \x} for x (JSON's escapes decoded). */
    private static Found quoted(String text, int start, char quote, boolean backslashes) {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (backslashes && c == '\\' && i + 1 < text.length()) {
                i = unescape(text, i + 1, value);
                continue;
            }
            if (c == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                    continue;
                }
                return found(text, start, i + 1, text.substring(start + 1, i), value.toString());
            }
            value.append(c);
            i++;
        }
        return found(text, start, text.length(), text.substring(start + 1), value.toString());
    }

    /** Appends the character escaped at {@code i} (after the backslash); returns where reading goes on. */
    private static int unescape(String text, int i, StringBuilder value) {
        char c = text.charAt(i);
        switch (c) {
            case 'n' -> value.append('\n');
            case 't' -> value.append('\t');
            case 'r' -> value.append('\r');
            case 'b' -> value.append('\b');
            case 'f' -> value.append('\f');
            case 'u' -> {
                if (i + 4 < text.length() && text.substring(i + 1, i + 5).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                    value.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    return i + 5;
                }
                value.append(c);
            }
            default -> value.append(c);
        }
        return i + 1;
    }

    private static Found found(String text, int start, int end, String raw, String value) {
        return value.isEmpty() ? null : new Found(start, end, raw, value, false);
    }
}
