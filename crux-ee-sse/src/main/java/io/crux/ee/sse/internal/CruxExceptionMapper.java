package io.crux.ee.sse.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.InvalidInputException;

/** Answers crux-ee exceptions as RFC 9457 problem details. */
@Provider
public class CruxExceptionMapper implements ExceptionMapper<CruxException> {

    @Override
    public Response toResponse(CruxException e) {
        int status = statusOf(e);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:crux:problem:" + (e.messageId().isEmpty() ? "error" : e.messageId()));
        problem.put("title", e.getClass().getSimpleName());
        problem.put("status", status);
        problem.put("detail", e.getMessage());
        e.flowId().ifPresent(id -> problem.put("flowId", id));
        e.stepLabel().ifPresent(label -> problem.put("stepLabel", label));
        if (e instanceof InvalidInputException invalid) {
            List<Map<String, String>> errors = invalid.violations().stream()
                    .map(v -> Map.of("pointer", v.pointer(), "field", v.field(), "message", v.message()))
                    .toList();
            problem.put("errors", errors);
        }
        return Response.status(status)
                .type(Problems.PROBLEM_JSON)
                .entity(problem)
                .build();
    }

    static int statusOf(CruxException e) {
        if (e instanceof FlowNotFoundException) {
            return 404;
        }
        if (e instanceof FlowStateException || e instanceof FlowConflictException) {
            return 409;
        }
        if (e instanceof InvalidInputException) {
            return 400;
        }
        if (e instanceof FlowDefinitionException) {
            return 404; // an unknown flow or action named in a request
        }
        return 500;
    }
}
