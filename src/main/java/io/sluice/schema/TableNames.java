package io.sluice.schema;

import io.github.encryptorcode.pluralize.Pluralize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words in table and column names: {@code order_items}, {@code OrderItems} and {@code orderItems} are the
 * tokens {@code order}, {@code item} (lower case, singular); a column named like {@code customer_id},
 * {@code CustomerID}, {@code customerId} or {@code id_customer} names the entity {@code customer}; and
 * names for people ({@code persons}: {@code Person}, {@code order_items}: {@code Order Item}).
 */
final class TableNames {

    /** Words in any script: capitals runs, capitalised or lower-case words, letters of scripts without case, digits. */
    private static final Pattern WORDS = Pattern.compile("\\p{Lu}+(?!\\p{Ll})|\\p{Lu}?\\p{Ll}+|[\\p{L}&&[^\\p{Lu}\\p{Ll}]]+|\\p{Nd}+");
    private static final Pattern REFERENCE = Pattern.compile("(?i)^(?:(.+?)_?id|id_(.+))$");

    private TableNames() {
    }

    /** The lower-case singular words of a name, in order. */
    static List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        Matcher words = WORDS.matcher(name);
        while (words.find()) {
            tokens.add(singular(words.group().toLowerCase(Locale.ROOT)));
        }
        return tokens;
    }

    /** The singular of a lower-case English word ({@code persons}: {@code person}; {@code data}, {@code status} unchanged). */
    static String singular(String word) {
        if (word.length() <= 2 || !word.chars().allMatch(c -> c < 128) || word.endsWith("ss") || word.endsWith("us") || word.endsWith("is") || Character.isDigit(word.charAt(0))) {
            return word; // status, address, analysis: Pluralize would cut their s
        }
        return Pluralize.singular(word);
    }

    /** The words of the entity a reference column names ({@code customer_id}, {@code CustomerID}: {@code customer}), or empty when it names none. */
    static List<String> referencedEntity(String column) {
        Matcher matcher = REFERENCE.matcher(column);
        if (!matcher.matches()) {
            return List.of();
        }
        return tokens(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }

    /** A singular name for people: {@code persons}: {@code Person}, {@code order_items}: {@code Order Item}. */
    static String humanSingular(String table) {
        List<String> words = new ArrayList<>();
        for (String token : tokens(table)) {
            words.add(Character.toUpperCase(token.charAt(0)) + token.substring(1));
        }
        return words.isEmpty() ? table : String.join(" ", words); // a name of no letters or digits stays as it is
    }

    /** Words that mark a link table rather than name what it links ({@code rel_person_paper}, {@code paper_topic_map}). */
    private static final java.util.Set<String> LINK_WORDS = java.util.Set.of("rel", "relation", "link", "lnk", "map", "mapping", "xref", "assoc",
            "association", "join", "bridge", "x");

    /** A link table's name for people, without the words that only mark it a link table: {@code rel_person_paper}: {@code Person Paper}. */
    static String humanLink(String table) {
        String human = humanSingular(table);
        String stripped = java.util.Arrays.stream(human.split(" ")).filter(w -> !LINK_WORDS.contains(w.toLowerCase(Locale.ROOT)))
                .collect(java.util.stream.Collectors.joining(" "));
        return stripped.isEmpty() ? human : stripped;
    }

    /** A plural name for people: {@code order_items}: {@code Order Items}. */
    static String humanPlural(String table) {
        String singular = humanSingular(table);
        int last = singular.lastIndexOf(' ');
        String word = singular.substring(last + 1);
        if (word.isEmpty() || !word.chars().allMatch(c -> c < 128)) {
            return singular; // English plurals for English words only
        }
        String plural = Pluralize.plural(word.toLowerCase(Locale.ROOT));
        return plural.isEmpty() ? singular : singular.substring(0, last + 1) + Character.toUpperCase(plural.charAt(0)) + plural.substring(1);
    }
}
