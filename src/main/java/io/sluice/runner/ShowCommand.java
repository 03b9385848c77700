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
        description = {"Show one execution: its outcome, parameters, steps with their counts, failures and reject file.",
                "Each step has its counts (read, written, filtered, skipped, commits, rollbacks), with the partitions of a partitioned"
                        + " step listed under it; a failure is given as its root cause in one line.",
                "Times are in this machine's zone (TZ); with --json they are ISO-8601 with their offset."})
class ShowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The execution's id, as `sluice status` lists it.")
    long id;

    @Option(names = "--json", description = "Print the execution as a JSON object for scripts, with each step's whole exit description.")
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
