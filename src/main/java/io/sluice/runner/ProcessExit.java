package io.sluice.runner;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends the process with the command's exit code, also when a signal (SIGTERM, Ctrl-C) asked it to end.
 *
 * <p>A JVM that a signal ends exits with 128 + the signal's number (143, 130) whatever the command
 * computed: {@code System.exit} from the main thread blocks once the shutdown has begun. So the
 * shutdown hook that stops a running job waits for the command's own code (a stopped job's is 1, as
 * documented) and halts the JVM with it, after the job and the context have been closed.
 */
final class ProcessExit {

    private static final CompletableFuture<Integer> COMMAND_CODE = new CompletableFuture<>();

    private ProcessExit() {
    }

    /** Called by {@code main} with the command's exit code; does not return. */
    static void exit(int code) {
        COMMAND_CODE.complete(code);
        System.exit(code); // while a shutdown hook runs, this blocks and the hook halts with the code
    }

    /** The command's exit code once {@code main} has it, or empty when it does not come within {@code patience}. */
    static Optional<Integer> awaitCommandCode(Duration patience) {
        try {
            return Optional.of(COMMAND_CODE.get(patience.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
