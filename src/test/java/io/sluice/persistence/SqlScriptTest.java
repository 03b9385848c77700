package io.sluice.persistence;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SqlScript} cuts scripts as psql does: semicolons in strings, identifiers, comments and dollar bodies stay inside. */
class SqlScriptTest {

    @Test
    void statements_end_at_semicolons_outside_quotes_comments_and_dollar_bodies_each_with_its_first_line() {
        // given
        String script = """
                -- header; not a statement
                CREATE TABLE "odd;name" (note text DEFAULT 'a;b', other text DEFAULT E'it\\'s;');
                /* a block; /* nested; */ still a comment; */
                CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;

                INSERT INTO t VALUES ('it''s; fine'),
                  (2);
                SELECT $1::int
                """;

        // when
        SqlScript parsed = SqlScript.parse(script);

        // then
        assertThat(parsed.statements()).extracting(SqlScript.Statement::line).containsExactly(2, 4, 6, 8);
        assertThat(parsed.statements()).extracting(SqlScript.Statement::text).containsExactly(
                "CREATE TABLE \"odd;name\" (note text DEFAULT 'a;b', other text DEFAULT E'it\\'s;')",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "INSERT INTO t VALUES ('it''s; fine'),\n  (2)",
                "SELECT $1::int");
        assertThat(parsed.metaCommands()).isEmpty();
    }

    @Test
    void psql_meta_commands_between_statements_are_listed_apart_with_their_line() {
        // given
        String script = "\\c postgres\n\\set name x\nSELECT 1;\n  \\c :name;\nSELECT '\\not a command';\n";

        // when
        SqlScript parsed = SqlScript.parse(script);

        // then
        assertThat(parsed.metaCommands()).extracting(SqlScript.Statement::line, SqlScript.Statement::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "\\c postgres"), org.assertj.core.groups.Tuple.tuple(2, "\\set name x"),
                        org.assertj.core.groups.Tuple.tuple(4, "\\c :name;"));
        assertThat(parsed.statements()).extracting(SqlScript.Statement::text).containsExactly("SELECT 1", "SELECT '\\not a command'");
        assertThat(parsed.statements()).extracting(SqlScript.Statement::line).containsExactly(3, 5);
    }

    @Test
    void a_copy_from_stdin_takes_the_lines_up_to_a_backslash_dot_as_its_rows() {
        // given pg_dump's form
        String script = "COPY t (a, b) FROM stdin;\n1\tx;y\n2\t'z\n\\.\nSELECT 1;\n";

        // when
        SqlScript parsed = SqlScript.parse(script);

        // then
        assertThat(parsed.statements()).extracting(SqlScript.Statement::line, SqlScript.Statement::text, SqlScript.Statement::copyData)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "COPY t (a, b) FROM stdin", "1\tx;y\n2\t'z\n"),
                        org.assertj.core.groups.Tuple.tuple(5, "SELECT 1", null));
    }

    @Test
    void a_byte_order_mark_before_the_first_statement_is_no_sql() {
        assertThat(SqlScript.parse("\uFEFF-- a comment\nSELECT 1;").statements()).extracting(SqlScript.Statement::text).containsExactly("SELECT 1");
    }
}
