package io.crux.ee.sse.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.api.exception.NodeIdInUseException;
import io.crux.ee.catalog.Messages;

/**
 * Answers crux-ee exceptions as RFC 9457 problem details. A run's own failure (a step that failed,
 * a guardrail) is told as it is, as its stream tells it; a store's failure, itself or wrapped, is
 * not: its message quotes the database (statements, constraint and table names), so the client
 * gets a reference to the server's log instead, as the run's stream does.
 */
@Provider
public class CruxExceptionMapper implements ExceptionMapper<CruxException> {

    private static final Logger LOG = Logger.getLogger(CruxExceptionMapper.class.getName());

    @Override
    public Response toResponse(CruxException e) {
        Map<String, Object> problem = problemOf(e);
        return Response.status((int) problem.get("status"))
                .type(Problems.PROBLEM_JSON)
                .entity(problem)
                .build();
    }

    /** @return the problem's members for {@code e}: type, title, status, detail and what else it names */
    static Map<String, Object> problemOf(CruxException e) {
        int status = statusOf(e);
        // told in other words: a node id's holder is named in the server's log, not to the client
        CruxException told =
                e instanceof NodeIdInUseException ? new NodeIdInUseException(Messages.nodeIdUnavailable()) : e;
        String type = told.messageId().isEmpty() ? "error" : told.messageId();
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:crux:problem:" + type);
        problem.put("title", e.getClass().getSimpleName());
        problem.put("status", status);
        problem.put(
                "detail",
                CruxPersistenceException.foundIn(told)
                        .map(store -> logged(store, e))
                        .orElseGet(told::getMessage));
        e.flowId().ifPresent(id -> problem.put("flowId", id));
        e.stepLabel().ifPresent(label -> problem.put("stepLabel", label));
        if (e instanceof InvalidInputException invalid) {
            List<Map<String, String>> errors = invalid.violations().stream()
                    .map(v -> Map.of("pointer", v.pointer(), "field", v.field(), "message", v.message()))
                    .toList();
            problem.put("errors", errors);
        }
        return problem;
    }

    /** Logs a failure the client is not told of, and returns the detail that points to it. */
    private static String logged(CruxPersistenceException store, CruxException e) {
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.WARNING, e, () -> "HTTP request failed, reference " + reference + ": " + e.getMessage());
        return Messages.serverFailed(store.messageId().isEmpty() ? "error" : store.messageId(), reference);
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
        if (e instanceof NodeIdInUseException) {
            return 503;
        }
        return 500;
    }
}
