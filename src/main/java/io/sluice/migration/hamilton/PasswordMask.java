package io.sluice.migration.hamilton;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces every occurrence of the store's passwords, in each of their {@link PasswordSpellings},
 * with {@code ****}: in text, in JSON (string values, property names, and numbers spelled like a
 * password, which become the string {@code "****"}), and in every text and JSON component of a row
 * record. Longer spellings are replaced first; percent escapes match in either case of hex digits.
 * Secrecy over fidelity: a very short password also masks matching text that is not the password.
 */
final class PasswordMask {

    private static final ClassValue<Constructor<?>> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            try {
                Class<?>[] types = java.util.Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                for (RecordComponent component : type.getRecordComponents()) {
                    component.getAccessor().setAccessible(true);
                }
                return constructor;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type + " is not a record", e);
            }
        }
    };
    private static final PasswordMask NONE = new PasswordMask(null);

    private final Pattern spellings;

    private PasswordMask(Pattern spellings) {
        this.spellings = spellings;
    }

    /** A mask of the non-empty passwords among {@code passwords} (nulls and empty ones ignored). */
    static PasswordMask of(Collection<String> passwords) {
        Set<String> all = new LinkedHashSet<>();
        passwords.stream().filter(password -> password != null && !password.isEmpty())
                .forEach(password -> all.addAll(PasswordSpellings.of(password)));
        if (all.isEmpty()) {
            return NONE;
        }
        String alternatives = all.stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(PasswordMask::regex)
                .collect(Collectors.joining("|"));
        return new PasswordMask(Pattern.compile(alternatives));
    }

    /** The spelling as a regular expression: literal, but {@code %4A} also matches {@code %4a}. */
    private static String regex(String spelling) {
        StringBuilder regex = new StringBuilder();
        Matcher escape = Pattern.compile("%[0-9A-Fa-f]{2}").matcher(spelling);
        int at = 0;
        while (escape.find()) {
            if (escape.start() > at) {
                regex.append(Pattern.quote(spelling.substring(at, escape.start())));
            }
            regex.append('%').append(hexDigit(spelling.charAt(escape.start() + 1))).append(hexDigit(spelling.charAt(escape.start() + 2)));
            at = escape.end();
        }
        if (at < spelling.length()) {
            regex.append(Pattern.quote(spelling.substring(at)));
        }
        return regex.toString();
    }

    private static String hexDigit(char c) {
        return Character.isDigit(c) ? String.valueOf(c) : "[" + Character.toUpperCase(c) + Character.toLowerCase(c) + "]";
    }

    /** The text with every spelling of every password replaced by {@code ****}; null stays null. */
    String text(String text) {
        if (text == null || spellings == null) {
            return text;
        }
        return spellings.matcher(text).replaceAll(ConnectionPasswords.MASK);
    }

    /** Whether the text holds a spelling of a password. */
    boolean matches(String text) {
        return text != null && spellings != null && spellings.matcher(text).find();
    }

    /** A copy of the JSON with every password masked, or the same node when it holds none. */
    JsonNode json(JsonNode node) {
        if (node == null || spellings == null) {
            return node;
        }
        if (node.isString()) {
            String text = node.asString();
            return matches(text) ? JsonNodeFactory.instance.stringNode(text(text)) : node;
        }
        if (node.isNumber()) {
            return matches(node.toString()) ? JsonNodeFactory.instance.stringNode(text(node.toString())) : node;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.values().forEach(element -> copy.add(json(element)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(property -> copy.set(text(property.getKey()), json(property.getValue())));
            return copy;
        }
        return node;
    }

    /**
     * The row with every {@code String} and {@link JsonNode} component masked but its keys (a
     * component named {@code id} or ending in {@code Id}: rows must keep pointing at each other); other
     * components (numbers, times, a {@link DatabasesTable.Secret}) as they are. {@code row} must be a record.
     */
    @SuppressWarnings("unchecked")
    <T> T row(T row) {
        if (row == null || spellings == null) {
            return row;
        }
        Class<?> type = row.getClass();
        Constructor<?> constructor = CONSTRUCTORS.get(type);
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                Method accessor = components[i].getAccessor();
                Object value = accessor.invoke(row);
                String name = components[i].getName();
                boolean key = name.equals("id") || name.endsWith("Id");
                values[i] = key ? value : value instanceof String text ? text(text) : value instanceof JsonNode json ? json(json) : value;
            }
            return (T) constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot mask the components of " + type, e);
        }
    }
}
