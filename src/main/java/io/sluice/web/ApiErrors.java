package io.sluice.web;

import io.sluice.SluiceException;
import io.sluice.persistence.DatabaseOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;

/**
 * The one place where the REST API turns errors into HTTP statuses, as RFC 9457 problem details
 * ({@code application/problem+json} with {@code status}, {@code title} and {@code detail}): a
 * {@link SluiceException}'s kind decides (invalid 400, not found 404, conflict 409, unavailable 503,
 * failed 500), a malformed request is 400, a job repository that does not answer is 503, and anything
 * else is 500 with its cause in the log only.
 */
@RestControllerAdvice(assignableTypes = ApiController.class)
@ConditionalOnWebApplication
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** The HTTP status of a kind of sluice problem. */
    static HttpStatus status(SluiceException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** The answer when the job repository does not answer: a moment's outage, not a failure of the request. */
    static final String REPOSITORY_AWAY = "the job repository does not answer; try again in a moment";

    @ExceptionHandler(SluiceException.class)
    ProblemDetail sluice(SluiceException e) {
        if (DatabaseOutage.isConnectionLoss(e)) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, REPOSITORY_AWAY);
        }
        if (e.kind() == SluiceException.Kind.FAILED) {
            log.warn("API request failed: {}", e.getMessage(), e);
        }
        return ProblemDetail.forStatusAndDetail(status(e.kind()), e.getMessage());
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class,
            HttpMessageNotReadableException.class})
    ProblemDetail malformed(Exception e) {
        String detail = e instanceof MethodArgumentTypeMismatchException mismatch
                ? mismatch.getName() + " '" + mismatch.getValue() + "' is not " + (mismatch.getRequiredType() != null
                && Number.class.isAssignableFrom(org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(mismatch.getRequiredType()))
                ? "a whole number" : "valid")
                : e instanceof HttpMessageNotReadableException ? "the request body is not the JSON this endpoint takes" : e.getMessage();
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    }

    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e) {
        if (e instanceof org.springframework.web.ErrorResponse response) {
            return response.getBody(); // Spring's own, with its status (405, 415...)
        }
        if (DatabaseOutage.isConnectionLoss(e)) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, REPOSITORY_AWAY);
        }
        log.error("API request failed", e);
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "sluice could not answer: " + e.getClass().getSimpleName()
                + " (see the serve log)");
    }
}
