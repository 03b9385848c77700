package io.sluice.web;

import io.sluice.InvalidInputException;
import io.sluice.NotFoundException;
import io.sluice.execution.ExecutionProgress;
import io.sluice.execution.ExecutionService;
import io.sluice.monitoring.ExecutionFilter;
import io.sluice.monitoring.ExecutionView;
import io.sluice.runner.JobSchedules;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST API under {@code /api}, JSON in and out: the job definitions with their last and next fire,
 * the executions with server-side filters and paging, one execution in detail with a sample of its
 * rejects, its live progress, and the actions start, stop, restart, recover and abandon. Every action
 * goes through the {@link ExecutionService}, as the CLI's do; its errors become HTTP statuses in
 * {@link ApiErrors}. Its OpenAPI description is at {@code /api/openapi.json}.
 */
@RestController
@RequestMapping(path = "/api", produces = "application/json")
@ConditionalOnWebApplication
class ApiController {

    /** The most executions one page holds. */
    static final int MAX_PAGE_SIZE = 200;
    private static final int REJECT_SAMPLE = 20;

    private final ExecutionService executions;
    private final ExecutionReads reads;
    private final JobSchedules schedules;
    private final Launches launches;

    ApiController(ExecutionService executions, ExecutionReads reads, JobSchedules schedules, Launches launches) {
        this.launches = launches;
        this.executions = executions;
        this.reads = reads;
        this.schedules = schedules;
    }

    /**
     * A job definition of {@code jobs/} as the API shows it.
     *
     * @param schedule     the schedule in words, or null for one run by hand only
     * @param nextFireAt   the next fire (UTC), or null
     * @param lastFireAt   the last fire or launch (UTC), or null
     * @param lastStatus   the last execution's Spring Batch status, or null
     */
    record Job(String name, String family, String schedule, boolean paused, Instant nextFireAt, Instant lastFireAt,
               Long lastExecutionId, String lastStatus) {

        static Job of(JobSchedules.Row row) {
            return new Job(row.name(), row.family(), row.schedule(), row.paused(), row.nextFireAt(), row.lastFireAt(), row.lastExecutionId(),
                    row.lastStatus());
        }
    }

    /** The job definitions, by name. */
    @GetMapping("/jobs")
    List<Job> jobs() {
        return schedules.list().stream().map(Job::of).toList();
    }

    /** One job definition. 404 when there is none of that name. */
    @GetMapping("/jobs/{name}")
    Job job(@PathVariable String name) {
        return Job.of(schedules.get(name));
    }

    /**
     * Launches a job definition now, with its parameters; 202 with the new execution once it has started.
     * 404 for an unknown definition, 409 when its job instance runs or is complete, 400 for bad parameters.
     */
    @PostMapping("/jobs/{name}/start")
    ResponseEntity<Started> startDefinition(@PathVariable String name) {
        return accepted(launches.startDefinition(name));
    }

    /**
     * Launches a job of a family ({@code migrate}, {@code workflow}, {@code analyze-schema}...) with parameters
     * as the CLI's {@code sluice run JOB KEY=VALUE...} takes them; 202 with the new execution once started.
     */
    @PostMapping("/executions")
    ResponseEntity<Started> start(@RequestBody StartRequest request) {
        if (request == null || request.job() == null || request.job().isBlank()) {
            throw new InvalidInputException("the request names no job: send {\"job\": \"workflow\", \"parameters\": {\"file\": \"...\"}}");
        }
        return accepted(executions.start(request.job(), request.parameters() == null ? Map.of() : request.parameters()));
    }

    /** What {@link #start} launches: a job's name and its parameters as text. */
    record StartRequest(String job, Map<String, String> parameters) {
    }

    /** An execution that has just started: its id, its job and where to follow it. */
    record Started(long id, String job, String status, String href) {
    }

    /**
     * One page of executions, newest first, with their counts.
     *
     * @param since     created at or after: {@code 2h}, {@code 2026-11-24T08:00}, {@code 2026-11-24T08:00Z} or {@code 2026-11-24}
     * @param until     created before, in the same forms
     * @param parameter a job parameter's {@code name=value}: only executions launched with it
     * @param page      from 1
     * @param before    the executions whose id is below this one (keyset paging: a page's {@code nextBefore} gives the next
     *                  page, as fast at any depth as the first); instead of {@code page}
     * @param size      1 to {@value #MAX_PAGE_SIZE} (default 20)
     */
    @GetMapping("/executions")
    ExecutionReads.Page executions(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
                                   @RequestParam(required = false) String since, @RequestParam(required = false) String until,
                                   @RequestParam(required = false) String parameter, @RequestParam(defaultValue = "1") int page,
                                   @RequestParam(required = false) Long before, @RequestParam(defaultValue = "20") int size) {
        if (before != null && page != 1) {
            throw new InvalidInputException("give page or before, not both: before " + before + " already says where the page starts");
        }
        return reads.page(filter(job, status, since, until, parameter).before(before, "before"), checkedPage(page), checkedSize(size));
    }

    /** The filter of the API's and the dashboard's execution lists from their query parameters. */
    static ExecutionFilter filter(String job, String status, String since, String until, String parameter) {
        return ExecutionFilter.parse(job, status, since, until, parameter, "", 1, 0);
    }

    static int checkedPage(int page) {
        if (page < 1) {
            throw new InvalidInputException("page " + page + " is before the first page, 1");
        }
        return page;
    }

    static int checkedSize(int size) {
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidInputException("size " + size + " is not between 1 and " + MAX_PAGE_SIZE);
        }
        return size;
    }

    /**
     * One execution with its parameters, steps (each partitioned step before its partitions) and exit message,
     * and the first {@value #REJECT_SAMPLE} of its rejected records. 404 when there is none of that id.
     */
    @GetMapping("/executions/{id}")
    Map<String, Object> execution(@PathVariable long id) {
        ExecutionView execution = reads.find(id).orElseThrow(() -> new NotFoundException("no execution " + id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("execution", execution);
        List<JsonNode> rejects = reads.rejects(id, REJECT_SAMPLE);
        body.put("rejects", rejects);
        return body;
    }

    /** The execution's live progress: its newest step's counts, percentage, rate and ETA. 404 when there is none. */
    @GetMapping("/executions/{id}/progress")
    ExecutionProgress progress(@PathVariable long id) {
        return executions.progress(id);
    }

    /** Asks a running execution to stop after its current chunk (202). 404 unknown, 409 not running. */
    @PostMapping("/executions/{id}/stop")
    ResponseEntity<Map<String, Object>> stop(@PathVariable long id) {
        executions.stop(id);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id, "status", "STOPPING"));
    }

    /**
     * Restarts a failed or stopped execution after its last committed chunk; 202 with the new execution once
     * started. 404 unknown, 409 running, complete, abandoned or already restarted.
     */
    @PostMapping("/executions/{id}/restart")
    ResponseEntity<Started> restart(@PathVariable long id) {
        return accepted(launches.restart(id));
    }

    /** Marks an execution whose process died FAILED, so that it can be restarted. 404 unknown, 409 not left running or its process lives. */
    @PostMapping("/executions/{id}/recover")
    Map<String, Object> recover(@PathVariable long id) {
        return Map.of("id", id, "status", executions.recover(id).getStatus().name());
    }

    /** Marks an execution that is not running ABANDONED: it will never be restarted. 404 unknown, 409 complete or running. */
    @PostMapping("/executions/{id}/abandon")
    Map<String, Object> abandon(@PathVariable long id) {
        return Map.of("id", id, "status", executions.abandon(id).getStatus().name());
    }

    private static ResponseEntity<Started> accepted(JobExecution execution) {
        String href = "/api/executions/" + execution.getId();
        return ResponseEntity.status(HttpStatus.ACCEPTED).header("Location", href)
                .body(new Started(execution.getId(), execution.getJobInstance().getJobName(), execution.getStatus().name(), href));
    }
}
