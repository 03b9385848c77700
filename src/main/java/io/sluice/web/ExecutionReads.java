package io.sluice.web;

import io.sluice.OperationFailedException;
import io.sluice.batch.RejectFile;
import io.sluice.monitoring.ExecutionFilter;
import io.sluice.monitoring.ExecutionQueries;
import io.sluice.monitoring.ExecutionView;
import io.sluice.persistence.SluiceProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The REST API's and the dashboard's reads of the job repository: the queries behind {@code sluice status}
 * and {@code show} ({@link ExecutionQueries}) on a connection of the pool, and a sample of an execution's
 * rejected records from its reject file.
 */
@Component
@ConditionalOnWebApplication
class ExecutionReads {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DataSource dataSource;
    private final Path dataDir;

    ExecutionReads(DataSource dataSource, SluiceProperties properties) {
        this.dataSource = dataSource;
        this.dataDir = properties.dataDir();
    }

    /**
     * One page of executions, newest first.
     *
     * @param executions at most {@code size} executions
     * @param page       the page, counting from 1
     * @param hasNext    whether a later page holds more
     * @param nextBefore what to give as {@code before} for the next page (its keyset bound: the last id of this one);
     *                   null on the last page, and with a time range (whose pages go by {@code page})
     */
    record Page(List<ExecutionView> executions, int page, int size, boolean hasNext, Long nextBefore) {
    }

    /**
     * The executions {@code filter} matches on page {@code page} (from 1) of {@code size}; its own limit and
     * offset are ignored. With the filter's {@code before} (a keyset bound), the page is the first after it and
     * {@code page} only its number.
     */
    public Page page(ExecutionFilter filter, int page, int size) {
        if ((long) page * size > Integer.MAX_VALUE) {
            throw new io.sluice.InvalidInputException("page " + page + " of " + size + " lies beyond any repository");
        }
        // after a keyset bound (before), the page is the first after it: page only names it
        ExecutionFilter oneMore = filter.page(size + 1, filter.before() == null ? (page - 1) * size : 0);
        List<ExecutionView> found = read(queries -> queries.list(oneMore)).stream().map(ExecutionView::readable).toList();
        boolean hasNext = found.size() > size;
        List<ExecutionView> executions = hasNext ? found.subList(0, size) : found;
        boolean byId = filter.since() == null && filter.until() == null; // a time range pages in creation time's order
        return new Page(executions, page, size, hasNext, hasNext && byId ? executions.get(size - 1).id() : null);
    }

    /** One execution with its parameters and steps (their exit descriptions without stack traces), or empty when there is none of that id. */
    public Optional<ExecutionView> find(long id) {
        return read(queries -> queries.find(id)).map(ExecutionView::readable);
    }

    /**
     * The first {@code max} lines of an execution's reject file, each a JSON object with the source
     * {@code file}, the {@code location} in it, the {@code reason} and the {@code raw} record; empty when
     * it rejected nothing.
     */
    public List<JsonNode> rejects(long id, int max) {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(RejectFile.pathFor(dataDir, id), StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && lines.size() < max; line = reader.readLine()) {
                lines.add(JSON.readTree(line));
            }
        } catch (NoSuchFileException none) {
            return List.of();
        } catch (IOException | tools.jackson.core.JacksonException e) {
            throw new OperationFailedException("cannot read the reject file of execution " + id + ": " + e.getMessage(), e);
        }
        return lines;
    }

    private interface Query<T> {
        T on(ExecutionQueries queries) throws SQLException;
    }

    private <T> T read(Query<T> query) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setReadOnly(true);
            try {
                return query.on(new ExecutionQueries(connection, dataDir));
            } finally {
                connection.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new OperationFailedException("cannot read the job repository (see the serve log)", e);
        }
    }
}
