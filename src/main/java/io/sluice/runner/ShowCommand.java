package io.sluice.runner;

import io.sluice.NotFoundException;
import io.sluice.monitoring.ExecutionPrinter;
import io.sluice.monitoring.ExecutionQueries;
import io.sluice.monitoring.ExecutionView;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one execution: parameters, each step's read/write/filter/skip/commit/rollback counts, exit description, reject file.")
class ShowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The execution.")
    long id;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DatabaseSettings settings = Connections.settingsFromEnvironment(SluiceCommand.SPRING_ARGUMENTS);
        Optional<ExecutionView> execution = Optional.empty();
        Optional<Connection> connection = Connections.openForReading(settings);
        if (connection.isPresent()) {
            Connection open = connection.get();
            try {
                execution = new ExecutionQueries(open, settings.dataDir()).find(id);
            } finally {
                Connections.closeReader(open);
            }
        }
        ExecutionView view = execution.orElseThrow(() -> new NotFoundException("no execution " + id + "; see `sluice status`"));
        ExecutionPrinter printer = new ExecutionPrinter(System.out);
        if (json) {
            printer.json(view);
        } else {
            printer.detail(view);
        }
        return 0;
    }
}
