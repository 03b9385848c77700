package io.sluice.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Set;

/**
 * What {@code /api/openapi.json} says beyond what springdoc reads from {@link ApiController}: the API's
 * title and licence, the 202 of the actions that start or stop something in the background, and, on
 * every operation, its errors as RFC 9457 problem details (the statuses {@link ApiErrors} and
 * {@link ServeErrors} answer).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ApiDescription {

    /** The operations that answer 202: their work goes on after the answer. */
    private static final Set<String> ACCEPTED = Set.of("/api/jobs/{name}/start", "/api/executions", "/api/executions/{id}/restart",
            "/api/executions/{id}/stop");

    @Bean
    OpenAPI sluiceApi() {
        return new OpenAPI().info(new Info()
                .title("sluice REST API")
                .description("Job definitions, executions with their steps, progress and rejects, and the actions start, stop, restart,"
                        + " recover and abandon, over Spring Batch's job repository. Errors are RFC 9457 problem details.")
                .version(ApiDescription.class.getPackage().getImplementationVersion() == null
                        ? "development" : ApiDescription.class.getPackage().getImplementationVersion())
                .license(new License().name("Apache-2.0")));
    }

    @Bean
    OpenApiCustomizer acceptedAndProblems() {
        return api -> api.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
            if (ACCEPTED.contains(path) && item.getPost() == operation) {
                ApiResponse ok = responses.remove("200");
                responses.addApiResponse("202", (ok == null ? new ApiResponse() : ok).description("Accepted: the job goes on in the background"));
            }
            responses.addApiResponse("default", problem());
            operation.setResponses(responses);
        }));
    }

    private static ApiResponse problem() {
        ObjectSchema schema = new ObjectSchema();
        schema.addProperty("status", new IntegerSchema());
        schema.addProperty("title", new StringSchema());
        schema.addProperty("detail", new StringSchema());
        schema.addProperty("instance", new StringSchema());
        return new ApiResponse()
                .description("An error: 400 invalid, 401 no user, 403 not allowed, 404 unknown, 405 or 415 not taken here,"
                        + " 409 running, complete or already restarted, 503 the database is away, 500 failed")
                .content(new Content().addMediaType("application/problem+json", new MediaType().schema(schema)));
    }
}
