package io.sluice.runner;

import io.sluice.batch.StepProgress;
import io.sluice.execution.RunningStep;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a running job's progress: on a terminal a progress bar per step (percentage, rate and ETA
 * when the reader publishes a {@link StepProgress}, else items and rate), and otherwise a plain
 * line every few seconds. It reads the live step executions of this process.
 */
final class ProgressReporter implements JobExecutionListener {

    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private final PrintStream err;
    private final boolean terminal;
    private ScheduledExecutorService timer;
    private ProgressBar bar;
    private String barStep;
    private boolean barHasTotal;

    ProgressReporter(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    static ProgressReporter forConsole() {
        return new ProgressReporter(System.err, System.console() != null);
    }

    @Override
    public void beforeJob(JobExecution execution) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = terminal ? 200 : PLAIN_EVERY.toMillis();
        timer.scheduleAtFixedRate(() -> show(execution), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void afterJob(JobExecution execution) {
        timer.shutdownNow();
        closeBar();
    }

    private synchronized void show(JobExecution execution) {
        RunningStep step = RunningStep.of(execution);
        if (step == null) {
            return;
        }
        StepProgress progress = step.progress();
        if (terminal && progress == null && step.readCount() == 0 && bar == null) {
            return; // nothing to draw before the first chunk
        }
        if (terminal) {
            if (!step.name().equals(barStep) || (!barHasTotal && progress != null)) {
                closeBar();
                barStep = step.name();
                barHasTotal = progress != null;
                ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(barStep).setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(err)).showSpeed();
                if (progress != null && progress.unit().equals("B")) {
                    builder.setInitialMax(progress.total()).setUnit(" MB", 1 << 20);
                } else if (progress != null) {
                    builder.setInitialMax(progress.total()).setUnit(" " + progress.unit(), 1);
                } else {
                    builder.setInitialMax(-1).setUnit(" items", 1);
                }
                bar = builder.build();
            }
            bar.stepTo(progress != null ? progress.done() : step.readCount());
            bar.setExtraMessage(" | " + step.readCount() + " read" + (step.skipCount() > 0 ? ", " + step.skipCount() + " rejected" : ""));
        } else if (step.readCount() == 0 && step.commitCount() == 0) {
            err.printf("[%s] working (%ds)%n", step.name(), elapsedSeconds(step));
        } else {
            double seconds = Math.max(1, elapsedSeconds(step));
            String percent = progress == null || progress.total() == 0 ? ""
                    : String.format(", %.0f%% of %s", 100.0 * progress.done() / progress.total(), progress.unit().equals("B")
                    ? (progress.total() >> 20) + " MB" : progress.total() + " " + progress.unit());
            err.printf("[%s] read %d, written %d, rejected %d (%.0f/s)%s%n", step.name(), step.readCount(),
                    step.writeCount(), step.skipCount(), step.readCount() / seconds, percent);
        }
    }

    private static long elapsedSeconds(RunningStep step) {
        return step.startTime() == null ? 0 : Duration.between(step.startTime(), LocalDateTime.now()).toSeconds();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
