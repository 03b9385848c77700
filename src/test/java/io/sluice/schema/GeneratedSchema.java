package io.sluice.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated schema of business domains, with its ground truth (each table's domain): per domain an entity
 * the others hang on, entity tables that reference it (some by a declared foreign key, some only by a
 * column named for it), a link table, a lookup table; across domains a few references, and a {@code users}
 * table that a fifth of all tables reference ({@code created_by}), the hub that must not swallow the
 * domains. Every table has a few rows, so that samples find values.
 *
 * @param sql         the DDL and rows, PostgreSQL's dialect, one statement a line
 * @param groundTruth table name to domain
 */
record GeneratedSchema(String sql, Map<String, String> groundTruth) {

    private static final String[] DOMAINS = {"sales", "hr", "inventory", "billing", "crm", "shipping", "support", "marketing", "finance",
            "catalog", "payroll", "fleet", "legal", "audit", "survey", "forum", "wiki", "event", "library", "clinic", "pharmacy", "school",
            "hotel", "travel", "energy", "water", "farm", "garden", "museum", "theatre", "cinema", "sport", "gym", "church", "bank", "insurance",
            "loan", "tax", "customs", "port", "rail", "airline", "taxi", "parking", "postal", "courier", "printing", "media", "radio",
            "podcast", "game", "toy", "fashion", "jewel", "bakery", "brewery", "winery", "dairy", "fishery", "mining"};
    private static final String[] NOUNS = {"order", "item", "note", "line", "record", "entry", "request", "task", "asset", "account",
            "contract", "plan", "review", "ticket", "batch", "slot", "visit", "claim", "grant", "budget", "report", "vendor", "site", "unit"};

    /** About {@code tables} tables (at least one domain of 5), the same for the same seed. */
    static GeneratedSchema of(int tables, long seed) {
        Random random = new Random(seed);
        int perDomain = 10;
        int domains = Math.max(1, (tables - 1) / perDomain);
        StringBuilder sql = new StringBuilder();
        Map<String, String> truth = new LinkedHashMap<>();
        sql.append("CREATE TABLE users (id int PRIMARY KEY, login varchar(40) NOT NULL, email varchar(100));\n");
        sql.append("INSERT INTO users VALUES (1, 'ann', 'a@x'), (2, 'bob', 'b@x');\n");
        truth.put("users", "users");
        List<String> hubs = new ArrayList<>();
        for (int d = 0; d < domains; d++) {
            String domain = d < DOMAINS.length ? DOMAINS[d] : DOMAINS[d % DOMAINS.length] + DOMAINS[d / DOMAINS.length % DOMAINS.length];
            String hub = domain + "_" + NOUNS[random.nextInt(NOUNS.length)] + "s";
            String hubKey = hub.substring(domain.length() + 1, hub.length() - 1) + "_id";
            hubs.add(hub);
            sql.append("CREATE TABLE ").append(hub).append(" (id int PRIMARY KEY, title varchar(80), ").append(domain)
                    .append("_kind varchar(10), created_by int REFERENCES users (id));\n");
            sql.append("INSERT INTO ").append(hub).append(" VALUES (1, 'a', 'big', 1), (2, 'b', 'small', 2), (3, 'c', 'big', 1);\n");
            truth.put(hub, domain);
            List<String> members = new ArrayList<>();
            int entities = perDomain - 3;
            for (int e = 0; e < entities; e++) {
                String table = domain + "_" + NOUNS[(e * 7 + d) % NOUNS.length] + "_" + e + "s";
                boolean declared = random.nextDouble() < 0.7;
                boolean byUser = random.nextDouble() < 0.2;
                sql.append("CREATE TABLE ").append(table).append(" (id int PRIMARY KEY, ").append(hubKey).append(" int")
                        .append(declared ? " REFERENCES " + hub + " (id)" : "").append(", amount numeric(10, 2), status varchar(10)")
                        .append(byUser ? ", created_by int REFERENCES users (id)" : "").append(");\n");
                sql.append("INSERT INTO ").append(table).append(" (id, ").append(hubKey).append(", amount, status) VALUES (1, 1, 9.5, 'open'), (2, 3, 1, 'done');\n");
                truth.put(table, domain);
                members.add(table);
            }
            String link = domain + "_" + members.get(0).substring(domain.length() + 1, members.get(0).length() - 1) + "_"
                    + members.get(1).substring(domain.length() + 1, members.get(1).length() - 1) + "_links";
            sql.append("CREATE TABLE ").append(link).append(" (a_id int REFERENCES ").append(members.get(0)).append(" (id), b_id int REFERENCES ")
                    .append(members.get(1)).append(" (id), PRIMARY KEY (a_id, b_id));\n");
            truth.put(link, domain);
            String lookup = domain + "_statuses";
            sql.append("CREATE TABLE ").append(lookup).append(" (code varchar(10) PRIMARY KEY, label varchar(40), ").append(domain)
                    .append("_rank int);\n");
            truth.put(lookup, domain);
            if (d > 0 && random.nextDouble() < 0.5) {
                String other = hubs.get(random.nextInt(d));
                sql.append("ALTER TABLE ").append(members.get(2)).append(" ADD COLUMN other_id int REFERENCES ").append(other).append(" (id);\n");
            }
        }
        return new GeneratedSchema(sql.toString(), truth);
    }

    /** The ground truth as CSV: {@code table,cluster} and a row a table. */
    String groundTruthCsv() {
        StringBuilder csv = new StringBuilder("table,cluster\n");
        groundTruth.forEach((table, domain) -> csv.append(table).append(',').append(domain).append('\n'));
        return csv.toString();
    }
}
