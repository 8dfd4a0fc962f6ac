package io.crux.ee.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;

import io.crux.ee.api.exception.ValidationExhaustedException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

/**
 * An LLM as judge: asks a chat model to grade an output against a rubric and returns its
 * {@link Verdict}, for the scorers of evaluations.
 *
 * <pre>{@code
 * Judge judge = Judge.of(models, "judge");
 * Judge.Verdict v = judge.judge(
 *         "The answer names the order's shipping date and nothing it cannot know.",
 *         "When does A-17 ship?",
 *         run.output().text(),
 *         "A-17 ships today.");           // or null when there is no reference answer
 * assertThat(v.pass()).as(v.reason()).isTrue();
 * }</pre>
 *
 * <p><b>The conversation.</b> The system message states the judge's task and the rubric; the user
 * message holds the input, the output and, when given, the expected answer, each in its own tagged
 * section. The reply is asked for as JSON {@code {"score": 0..1, "pass": true|false, "reason": "..."}}
 * through a JSON-schema response format when the model declares
 * {@link dev.langchain4j.model.chat.Capability#RESPONSE_FORMAT_JSON_SCHEMA}, through format
 * instructions in the system message otherwise, as a {@link Generator} with structured output does.
 * A reply that is not such JSON, or whose score is outside 0..1 or whose reason is empty, is sent back
 * with the problem, up to {@link #withMaxRepairs(int)} times (by default
 * {@value Generator#DEFAULT_MAX_REPAIRS}); then the judge fails with
 * {@link ValidationExhaustedException} ({@code CRUX0315E}). Failures of the model itself are not
 * retried here. Give the judge a cassette's model to replay its verdicts in CI.
 *
 * <p>Instances are immutable and thread-safe when the registry is; the model is looked up by name on
 * every call.
 */
public final class Judge {

    /**
     * A judge's verdict.
     *
     * @param score how well the output meets the rubric, from 0 (not at all) to 1 (fully)
     * @param pass whether the output is acceptable under the rubric
     * @param reason the judge's short explanation
     */
    public record Verdict(double score, boolean pass, String reason) {
        /**
         * @throws IllegalArgumentException if the score is not within 0..1
         * @throws NullPointerException if the reason is {@code null}
         */
        public Verdict {
            if (!(score >= 0.0 && score <= 1.0)) {
                throw new IllegalArgumentException("a verdict's score is within 0..1, not " + score);
            }
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The JSON a judge asks its model for, as read before its checks; public only so that JSON-B can
     * bind it, not for application use. Boxed so that missing fields are seen.
     *
     * @param score the score, to be within 0..1
     * @param pass whether the output passes
     * @param reason the explanation, not blank
     */
    public record JudgeReply(Double score, Boolean pass, String reason) {}

    private static final StructuredOutput<JudgeReply> OUTPUT = StructuredOutput.of(JudgeReply.class);
    private static final PayloadCodec CODEC = new JsonbPayloadCodec();

    private final ModelRegistry registry;
    private final String modelName;
    private final int maxRepairs;

    private Judge(ModelRegistry registry, String modelName, int maxRepairs) {
        this.registry = registry;
        this.modelName = modelName;
        this.maxRepairs = maxRepairs;
    }

    /**
     * @param registry where the judge's model is found, for example a {@link Cassette}'s registry
     * @param modelName the name of the judge's {@link ChatModel} in the registry
     * @return a judge with {@value Generator#DEFAULT_MAX_REPAIRS} repairs
     */
    public static Judge of(ModelRegistry registry, String modelName) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(modelName, "modelName");
        return new Judge(registry, modelName, Generator.DEFAULT_MAX_REPAIRS);
    }

    /**
     * @param maxRepairs how many times an unusable reply is sent back before the judge fails; 0 or more
     * @return a copy with the bound
     * @throws IllegalArgumentException if it is negative
     */
    public Judge withMaxRepairs(int maxRepairs) {
        if (maxRepairs < 0) {
            throw new IllegalArgumentException("maxRepairs is 0 or more, not " + maxRepairs);
        }
        return new Judge(registry, modelName, maxRepairs);
    }

    /** @return the name of the judge's model */
    public String modelName() {
        return modelName;
    }

    /**
     * Asks the model for a verdict.
     *
     * @param rubric what a good output is, in plain words
     * @param input what the evaluated system was given
     * @param output what it answered
     * @param expected a reference answer, or {@code null}
     * @return the verdict
     * @throws ValidationExhaustedException ({@code CRUX0315E}) if no reply was usable after the repairs
     * @throws io.crux.ee.api.exception.ModelNotFoundException if the registry has no such model
     * @throws RuntimeException the model's own failure
     */
    public Verdict judge(String rubric, String input, String output, String expected) {
        Objects.requireNonNull(rubric, "rubric");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        ChatModel model = registry.chatModel(modelName);
        var capabilities = model.supportedCapabilities();
        String system = systemPrompt(rubric);
        String instructions = OUTPUT.instructions(capabilities);
        if (!instructions.isEmpty()) {
            system = system + "\n\n" + instructions;
        }
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(system));
        messages.add(UserMessage.from(userPrompt(input, output, expected)));
        ResponseFormat format = OUTPUT.responseFormat(capabilities);
        ChatRequestParameters parameters = format == null
                ? ChatRequestParameters.builder().build()
                : ChatRequestParameters.builder().responseFormat(format).build();
        int repairs = 0;
        while (true) {
            AiMessage reply = model.chat(ChatRequest.builder()
                            .messages(List.copyOf(messages))
                            .parameters(parameters)
                            .build())
                    .aiMessage();
            String problem;
            if (reply.text() == null || reply.text().isBlank()) {
                problem = "it is empty";
            } else {
                StructuredOutput.Parsed<JudgeReply> parsed = OUTPUT.parse(reply.text(), CODEC, InputValidator.NONE);
                problem = parsed.valid() ? problem(parsed.value()) : parsed.problem();
                if (problem == null) {
                    JudgeReply r = parsed.value();
                    return new Verdict(r.score(), r.pass(), r.reason().strip());
                }
            }
            if (repairs == maxRepairs) {
                throw new ValidationExhaustedException(Messages.judgeUnparsable(modelName, repairs, problem));
            }
            repairs++;
            messages.add(reply);
            messages.add(UserMessage.from(StructuredOutput.repairPrompt(problem)));
        }
    }

    private static String problem(JudgeReply r) {
        List<String> problems = new ArrayList<>();
        if (r.score() == null) {
            problems.add("it has no score");
        } else if (!(r.score() >= 0.0 && r.score() <= 1.0)) {
            problems.add("its score " + r.score() + " is not within 0 and 1");
        }
        if (r.pass() == null) {
            problems.add("it has no pass");
        }
        if (r.reason() == null || r.reason().isBlank()) {
            problems.add("it gives no reason");
        }
        return problems.isEmpty() ? null : String.join(", and ", problems);
    }

    static String systemPrompt(String rubric) {
        return "You are an impartial evaluator. You grade the OUTPUT that a system gave for an INPUT against"
                + " the rubric below, comparing it with the EXPECTED answer when one is given. Judge only what the"
                + " rubric asks. Give a score from 0 (fails the rubric entirely) to 1 (meets it fully), whether the"
                + " output passes, and a reason of one or two sentences. Reply with JSON only.\n\n"
                + "Rubric:\n" + rubric.strip();
    }

    static String userPrompt(String input, String output, String expected) {
        StringBuilder b = new StringBuilder();
        b.append("<INPUT>\n").append(input).append("\n</INPUT>\n\n");
        b.append("<OUTPUT>\n").append(output).append("\n</OUTPUT>");
        if (expected != null) {
            b.append("\n\n<EXPECTED>\n").append(expected).append("\n</EXPECTED>");
        }
        return b.toString();
    }
}
