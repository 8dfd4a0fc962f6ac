package io.crux.ee.sse.openapi;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The documented shape of the HTTP API's errors, RFC 9457 problem details ({@code
 * application/problem+json}); only the OpenAPI document uses it.
 *
 * @param type {@code urn:crux:problem:<message id>} or {@code about:blank}
 * @param title the kind of error
 * @param status the HTTP status
 * @param detail what happened, starting with a message id (CRUXnnnnX) when crux-ee raised it
 * @param flowId the run, when the error concerns one
 * @param stepLabel the step, when the error concerns one
 * @param errors the input's violations, for invalid input
 */
@Schema(name = "CruxProblem", description = "RFC 9457 problem details")
public record Problem(
        String type, String title, int status, String detail, String flowId, String stepLabel, List<Object> errors) {

    /** The media type of problems. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
