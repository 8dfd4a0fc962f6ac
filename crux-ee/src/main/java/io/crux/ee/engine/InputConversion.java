package io.crux.ee.engine;

import java.lang.reflect.Type;
import java.util.List;

import jakarta.json.JsonValue;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonSchemaCheck;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.SuspensionRecord;

/**
 * Converts what callers give a run, an action's input or a signal's payload, to the type the flow
 * declares, and checks it: parsed JSON against the type's schema, the converted value with the
 * validator.
 */
final class InputConversion {

    private final PayloadCodec codec;
    private final InputValidator validator;

    InputConversion(EngineServices services) {
        this.codec = services.codec();
        this.validator = services.validator();
    }

    /**
     * @param what what the value is, for the message
     * @param flowId the run, or null before it exists
     * @return the action's input as its input type
     * @throws InvalidInputException if it does not convert or is not valid
     */
    Object input(FlowModel flow, ActionModel action, Object value, String what, String flowId) {
        checkJson(flow, value, action == null ? Object.class : action.inputType(), what, flowId);
        Object converted;
        try {
            converted = codec.convert(value, action == null ? Object.class : action.inputType());
        } catch (IllegalArgumentException e) {
            List<Violation> v = List.of(new Violation("", e.getMessage()));
            throw new InvalidInputException(Messages.invalidInput(what, flow.name(), v), flowId, v);
        }
        return validated(flow, converted, what, flowId);
    }

    /**
     * @return the payload of a signal as the type the suspension declared
     * @throws InvalidInputException if it does not convert or is not valid
     */
    Object signalPayload(FlowModel flow, SuspensionRecord suspension, Object payload, String flowId) {
        Class<?> type;
        try {
            type = Class.forName(suspension.payloadType(), false, flow.classLoader());
        } catch (ClassNotFoundException e) {
            throw new FlowStateException(
                    Messages.cannotDecode(suspension.payloadType(), e), flowId, FlowStatus.SUSPENDED);
        }
        checkJson(flow, payload, type, "signal payload", flowId);
        Object converted;
        try {
            converted = codec.convert(payload, type);
        } catch (IllegalArgumentException e) {
            List<Violation> v = List.of(new Violation("", e.getMessage()));
            throw new InvalidInputException(Messages.invalidInput("signal payload", flow.name(), v), flowId, v);
        }
        return validated(flow, converted, "signal payload", flowId);
    }

    /** Parsed JSON (from the HTTP API) must fit the type's schema before JSON-B may bind it. */
    private static void checkJson(FlowModel flow, Object value, Type type, String what, String flowId) {
        if (value instanceof JsonValue json) {
            List<Violation> violations = JsonSchemaCheck.check(json, type);
            if (!violations.isEmpty()) {
                throw new InvalidInputException(
                        Messages.invalidInput(what, flow.name(), violations), flowId, violations);
            }
        }
    }

    private Object validated(FlowModel flow, Object value, String what, String flowId) {
        List<Violation> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(Messages.invalidInput(what, flow.name(), violations), flowId, violations);
        }
        return value;
    }
}
