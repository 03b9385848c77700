package io.sluice.web;

import io.sluice.SluiceException;
import io.sluice.execution.ExecutionProgress;
import io.sluice.execution.ExecutionService;
import io.sluice.monitoring.ExecutionFilter;
import io.sluice.monitoring.ExecutionView;
import io.sluice.runner.JobSchedules;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard at {@code /}, server-rendered with Thymeleaf: the jobs (each job's last execution and a
 * trend of its durations, and the definitions of {@code jobs/} with their last and next fire), the
 * executions with filters, and one execution with its steps, progress and rejects, kept live by htmx
 * polling fragments of these pages. Its buttons post forms (with their CSRF token) that act through the
 * {@link ExecutionService}, as the CLI and the REST API do.
 */
@Controller
@ConditionalOnWebApplication
class DashboardController {

    private static final int TREND = 20;
    private static final int REJECT_SAMPLE = 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ExecutionService executions;
    private final ExecutionReads reads;
    private final JobSchedules schedules;
    private final Launches launches;

    DashboardController(ExecutionService executions, ExecutionReads reads, JobSchedules schedules, Launches launches) {
        this.launches = launches;
        this.executions = executions;
        this.reads = reads;
        this.schedules = schedules;
    }

    /**
     * A job of the repository on the job list.
     *
     * @param last      its newest execution, or null when it never ran
     * @param durations the seconds its last executions took, oldest first (those still running left out)
     */
    record JobSummary(String name, ExecutionView last, List<Double> durations) {

        /** The trend as the points of an SVG polyline 120 by 24 px, the longest duration at the top. */
        public String sparkline() {
            if (durations.size() < 2) {
                return "";
            }
            double max = durations.stream().mapToDouble(Double::doubleValue).max().orElse(1);
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < durations.size(); i++) {
                double x = 120.0 * i / (durations.size() - 1);
                double y = 22 - (max == 0 ? 0 : 20 * durations.get(i) / max);
                points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            return points.toString().trim();
        }
    }

    @GetMapping("/")
    String jobs(Model model, @RequestHeader(value = "HX-Request", required = false) String htmx) {
        List<JobSummary> jobs = new ArrayList<>();
        for (String name : executions.jobNames()) {
            List<ExecutionView> recent = reads.page(new ExecutionFilter(name, null, null, TREND, 0), 1, TREND).executions();
            List<Double> durations = new ArrayList<>();
            for (int i = recent.size() - 1; i >= 0; i--) {
                ExecutionView e = recent.get(i);
                if (e.started() != null && e.ended() != null) {
                    durations.add(Duration.between(e.started(), e.ended()).toMillis() / 1000.0);
                }
            }
            jobs.add(new JobSummary(name, recent.isEmpty() ? null : recent.get(0), durations));
        }
        model.addAttribute("jobs", jobs);
        model.addAttribute("definitions", schedules.list());
        model.addAttribute("recent", reads.page(ApiController.filter(null, null, null, null, null), 1, 10).executions());
        return htmx != null ? "index :: live" : "index";
    }

    @GetMapping("/executions")
    String list(Model model, @RequestParam(required = false) String job, @RequestParam(required = false) String status,
                @RequestParam(required = false) String since, @RequestParam(required = false) String until,
                @RequestParam(required = false) String parameter, @RequestParam(defaultValue = "1") int page,
                @RequestParam(required = false) Long before,
                @RequestParam(defaultValue = "20") int size, @RequestHeader(value = "HX-Request", required = false) String htmx,
                HttpServletRequest request) {
        model.addAttribute("self", request.getQueryString() == null ? "/executions" : "/executions?" + request.getQueryString());
        // older pages go by keyset (before), which has no way back but to the newest page
        model.addAttribute("keyset", before != null);
        model.addAttribute("jobNames", executions.jobNames());
        model.addAttribute("statuses", Arrays.stream(BatchStatus.values()).map(BatchStatus::name).toList());
        model.addAttribute("filter", Map.of("job", nullToEmpty(job), "status", nullToEmpty(status), "since", nullToEmpty(since),
                "until", nullToEmpty(until), "parameter", nullToEmpty(parameter)));
        try {
            // older pages by keyset (before: the last id of the page before, with page as its number), newer ones by page
            model.addAttribute("result", reads.page(ApiController.filter(job, status, since, until, parameter).before(before, "before"),
                    ApiController.checkedPage(page), ApiController.checkedSize(size)));
        } catch (SluiceException e) {
            model.addAttribute("error", e.getMessage());
        }
        return htmx != null ? "executions :: rows" : "executions";
    }

    @GetMapping("/executions/{id}")
    String execution(@PathVariable long id, Model model, @RequestHeader(value = "HX-Request", required = false) String htmx) {
        ExecutionView execution = reads.find(id).orElseThrow(() -> new io.sluice.NotFoundException("no execution " + id));
        ExecutionProgress progress = executions.progress(id);
        model.addAttribute("e", execution);
        model.addAttribute("progress", progress);
        boolean running = List.of("STARTING", "STARTED", "STOPPING").contains(execution.status());
        Optional<Long> restartedAs = executions.restartedAs(id);
        // an ended COMPLETED or ABANDONED execution has nothing to recover: no second read of it on each poll
        boolean recoverable = !List.of("COMPLETED", "ABANDONED").contains(execution.status()) && executions.recoverable(id);
        model.addAttribute("running", running);
        model.addAttribute("restartedAs", restartedAs.orElse(null));
        model.addAttribute("recoverable", recoverable);
        model.addAttribute("stoppable", running && !recoverable);
        model.addAttribute("restartable", restartedAs.isEmpty() && (recoverable || List.of("FAILED", "STOPPED").contains(execution.status())));
        model.addAttribute("abandonable", !List.of("COMPLETED", "ABANDONED", "STARTING", "STARTED", "STOPPING").contains(execution.status()));
        model.addAttribute("graph", executions.graph(id).map(graph -> GraphLayout.of(graph, execution, running)).orElse(null));
        if (htmx != null) {
            return "execution :: live";
        }
        model.addAttribute("rejects", reads.rejects(id, REJECT_SAMPLE));
        model.addAttribute("stepRates", stepRates(execution));
        return "execution";
    }

    @PostMapping("/jobs/{name}/start")
    String startDefinition(@PathVariable String name, RedirectAttributes redirect) {
        try {
            JobExecution started = launches.startDefinition(name);
            redirect.addFlashAttribute("message", name + " started as execution " + started.getId());
            return "redirect:/executions/" + started.getId();
        } catch (SluiceException e) {
            redirect.addFlashAttribute("error", name + " could not start: " + e.getMessage());
            return "redirect:/";
        }
    }

    @PostMapping("/executions/{id}/{action}")
    String act(@PathVariable long id, @PathVariable String action, RedirectAttributes redirect) {
        try {
            switch (action) {
                case "stop" -> {
                    executions.stop(id);
                    redirect.addFlashAttribute("message", "execution " + id + " stops after its current chunk");
                }
                case "restart" -> {
                    JobExecution restarted = launches.restart(id);
                    redirect.addFlashAttribute("message", "execution " + id + " restarted as execution " + restarted.getId());
                    return "redirect:/executions/" + restarted.getId();
                }
                case "recover" -> redirect.addFlashAttribute("message", "execution " + id + " is now "
                        + executions.recover(id).getStatus() + "; it can be restarted");
                case "abandon" -> redirect.addFlashAttribute("message", "execution " + id + " is now " + executions.abandon(id).getStatus());
                default -> redirect.addFlashAttribute("error", "no action '" + action + "' (stop, restart, recover, abandon)");
            }
        } catch (SluiceException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/executions/" + id;
    }

    /**
     * The throughput chart's first points, as a JSON array of {@code [epoch seconds, items a second]}: each
     * ended step's rate (items read over its duration), at its end; {@code <} escaped so that the array can
     * stand in a script element.
     */
    private static String stepRates(ExecutionView execution) {
        List<double[]> points = new ArrayList<>();
        for (ExecutionView.StepView step : execution.steps()) {
            if (step.isPartition() || step.started() == null || step.ended() == null) {
                continue;
            }
            double seconds = Math.max(0.001, Duration.between(step.started(), step.ended()).toMillis() / 1000.0);
            points.add(new double[]{step.ended().toInstant().toEpochMilli() / 1000.0, step.read() / seconds});
        }
        points.sort(Comparator.comparingDouble(point -> point[0]));
        return JSON.writeValueAsString(points).replace("<", "\\u003c");
    }

    /** A page for what a request asked that cannot be: 404 for an unknown execution, 400 for a bad id, with the reason. */
    @ExceptionHandler({SluiceException.class,
            MethodArgumentTypeMismatchException.class})
    String problem(Exception e, Model model, HttpServletResponse response) {
        HttpStatus status = e instanceof SluiceException sluice ? ApiErrors.status(sluice.kind())
                : HttpStatus.BAD_REQUEST;
        response.setStatus(status.value());
        model.addAttribute("title", status.getReasonPhrase());
        model.addAttribute("detail", status.is5xxServerError() ? "sluice could not answer (see the serve log)" : e instanceof SluiceException
                ? e.getMessage() : "that is not an execution's id");
        return "problem";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
