package io.crux.ee.langchain4j;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.ChatExecutor;
import dev.langchain4j.guardrail.GuardrailRequestParams;
import dev.langchain4j.guardrail.GuardrailResult;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailRequest;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailRequest;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.model.chat.response.ChatResponse;

import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.catalog.Messages;

/**
 * A generator's guardrails at one path: the input guardrails check (and may rewrite) the last user
 * message, the output guardrails the final reply; any failure throws {@link GuardrailBlockedException}.
 */
final class GuardrailChain {

    private final List<InputGuardrail> inputGuardrails;
    private final List<OutputGuardrail> outputGuardrails;
    private final String path;

    /**
     * @param path the generator's path, for the message of a refusal
     */
    GuardrailChain(List<InputGuardrail> inputGuardrails, List<OutputGuardrail> outputGuardrails, String path) {
        this.inputGuardrails = inputGuardrails;
        this.outputGuardrails = outputGuardrails;
        this.path = path;
    }

    /**
     * Runs the input guardrails on the last user message; returns its (possibly rewritten) text. With
     * input guardrails and no user message the call is blocked.
     */
    String checkInput(List<ChatMessage> messages) {
        int last = -1;
        for (int i = messages.size() - 1; i >= 0 && last < 0; i--) {
            if (messages.get(i) instanceof UserMessage) {
                last = i;
            }
        }
        if (last < 0) {
            if (!inputGuardrails.isEmpty()) {
                // fail closed: a conversation the guardrails cannot check is not sent
                throw new GuardrailBlockedException(
                        Messages.guardrailBlocked(
                                path,
                                "input",
                                "the conversation has no user message for the input guardrails to check"),
                        null);
            }
            return "";
        }
        UserMessage user = (UserMessage) messages.get(last);
        String template = user.hasSingleText() ? user.singleText() : "";
        for (InputGuardrail guardrail : inputGuardrails) {
            InputGuardrailRequest request = InputGuardrailRequest.builder()
                    .userMessage(user)
                    .commonParams(guardrailParams(template))
                    .build();
            InputGuardrailResult result = guardrail.validate(request);
            if (!result.isSuccess()) {
                throw blocked("input", guardrail, result);
            }
            if (result.hasRewrittenResult()) {
                user = result.userMessage(request);
                messages.set(last, user);
            }
        }
        return template;
    }

    /**
     * Runs the output guardrails on the final reply; returns its (possibly rewritten) text.
     *
     * @param executor a fresh executor of the request, for each guardrail
     * @param template the text of the user message, as {@link #checkInput} returned it
     */
    String checkOutput(ChatResponse response, Supplier<ChatExecutor> executor, String template) {
        ChatResponse current = response;
        for (OutputGuardrail guardrail : outputGuardrails) {
            OutputGuardrailRequest guardrailRequest = OutputGuardrailRequest.builder()
                    .responseFromLLM(current)
                    .chatExecutor(executor.get())
                    .requestParams(guardrailParams(template))
                    .build();
            OutputGuardrailResult result = guardrail.validate(guardrailRequest);
            if (!result.isSuccess()) {
                throw blocked("output", guardrail, result);
            }
            if (result.hasRewrittenResult()) {
                current = current.toBuilder()
                        .aiMessage(current.aiMessage().withText(result.successfulText()))
                        .build();
            }
        }
        return current.aiMessage().text();
    }

    private static GuardrailRequestParams guardrailParams(String template) {
        return GuardrailRequestParams.builder()
                .userMessageTemplate(template)
                .variables(Map.of())
                .build();
    }

    private GuardrailBlockedException blocked(String direction, Object guardrail, GuardrailResult<?> result) {
        String failures = result.failures().stream().map(f -> f.message()).collect(Collectors.joining("; "));
        String text = guardrail.getClass().getName() + ": " + (failures.isEmpty() ? result.asString() : failures);
        return new GuardrailBlockedException(
                Messages.guardrailBlocked(path, direction, text), result.getFirstFailureException());
    }
}
