package io.sluice.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What serve answers for a request no controller took: an unknown path, a method or content type an
 * endpoint does not take, missing credentials or rights (Spring Security's 401 and 403). The servlet
 * container forwards those to {@code /error}; this answers the API ({@code /api/}, {@code /actuator/})
 * and any client that does not ask for HTML with RFC 9457 problem details, as {@link ApiErrors} does
 * for the controllers' own errors, and a browser with the dashboard's problem page. Nothing of the
 * request's internals (exception, trace) is shown; it replaces Boot's default error controller.
 */
@Controller
@ConditionalOnWebApplication
class ServeErrors implements ErrorController {

    private static final Map<Integer, String> DETAILS = Map.of(
            401, "this needs a user: sign in with a viewer's or an operator's name and password (HTTP Basic); a wrong one is refused so too",
            403, "this is refused: actions need an operator, and a request from another site, or naming another host, is never taken",
            404, "there is nothing at this address",
            405, "this address does not take that method",
            406, "this address cannot answer in the type asked for",
            415, "this address does not take that content type (the API takes application/json)");

    @RequestMapping("/error")
    Object error(HttpServletRequest request, HttpServletResponse response, Model model) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        // asked for directly, /error is just an unknown address
        HttpStatus status = code == null ? HttpStatus.NOT_FOUND : HttpStatus.resolve(code instanceof Integer value ? value : response.getStatus());
        if (status == null || !status.isError()) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String path = uri == null ? request.getRequestURI() : uri.toString();
        String detail = DETAILS.getOrDefault(status.value(), status.is5xxServerError()
                ? "sluice could not answer (see the serve log)" : status.getReasonPhrase());
        if (path.startsWith("/api/") || path.startsWith("/actuator/") || !prefersHtml(request.getHeader("Accept"))) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
            try {
                problem.setInstance(URI.create(path));
            } catch (IllegalArgumentException notAUri) {
                // a path the container took but no URI can hold: the problem goes without its instance
            }
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        response.setStatus(status.value());
        model.addAttribute("title", status.getReasonPhrase());
        model.addAttribute("detail", detail);
        return "problem";
    }

    /** Whether an {@code Accept} header ranks HTML at least as high as anything else it lists (a browser's does). */
    private static boolean prefersHtml(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        double html = types.stream().filter(type -> type.includes(MediaType.TEXT_HTML) && !type.isWildcardType())
                .mapToDouble(MediaType::getQualityValue).max().orElse(0);
        double best = types.stream().mapToDouble(MediaType::getQualityValue).max().orElse(0);
        return html > 0 && html >= best;
    }
}
