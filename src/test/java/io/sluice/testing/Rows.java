package io.sluice.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads rows back from a {@link TestDatabase} after sluice has run, for assertions. */
public final class Rows {

    private Rows() {
    }

    public static long count(TestDatabase database, String table) throws SQLException {
        return ((Number) query(database, "SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    /** Every row of the query as a map from lower-case column label to value. */
    public static List<Map<String, Object>> query(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
