package io.crux.ee.langchain4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ToolExecutionResultMessage;

import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.ToolRoundsExceededException;
import io.crux.ee.block.Handler;
import io.crux.ee.block.NamedBlock;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.PayloadCodec;

/**
 * A generator that can call other agents as tools: a composite block that talks with the model in
 * rounds. Round {@code i} is the step {@code <generator>/round[i]/model}, one or more model calls
 * that answer the generator's own tools and end with the model's text or with its calls of
 * delegates; each delegate called then runs as a durable child at
 * {@code <generator>/round[i]/<delegate block>}, and its result goes back to the model in the next
 * round. The reply text is the output.
 *
 * <p><b>Why a composite.</b> A plain {@link Generator} is one step, and steps do not nest: a block
 * cannot run inside a step (CRUX0060E, and {@code NestedStepException} for scope steps), because a
 * completed step replays without running its body. So the conversation is cut at each delegation:
 * the model's rounds are steps, the delegates are steps (or composites) of their own, and a replayed
 * or recovered run takes the recorded rounds and delegate results without calling the model or the
 * delegates again.
 *
 * <p><b>Limits.</b> Text output only ({@link Generator#output(Class)} is refused); input guardrails
 * check the conversation once, before the first round's call (later rounds carry it as it was, the
 * history read once); output guardrails are not applied. After {@link #maxRounds(int)}
 * delegation rounds the block fails with {@link ToolRoundsExceededException} (CRUX0257E). A call of a
 * name that is no delegate and no tool goes back to the model as an error result.
 *
 * <p>Immutable and thread-safe if the generator and the delegates are.
 *
 * @param <I> the input type
 */
public final class DelegatingGenerator<I> extends NamedBlock<I, String> {

    /** The name of each round's model step. */
    public static final String MODEL = "model";

    /** The default bound of {@link #maxRounds(int)}. */
    public static final int DEFAULT_MAX_ROUNDS = 5;

    private static final Jsonb JSON = JsonbBuilder.create();

    /**
     * A delegate call the model made.
     *
     * @param id the tool call's id
     * @param name the delegate's name
     * @param request what the model asked
     */
    public record Call(String id, String name, String request) {}

    /**
     * The recorded output of a round's model step.
     *
     * @param messages the messages the round added to the conversation, as LangChain4j JSON; the first
     *     round's begin with the rendered system message, history and prompt
     * @param text the reply text, when the round ended with one
     * @param calls the delegate calls, when it ended with those
     */
    public record Round(String messages, String text, List<Call> calls) {}

    private final Generator<I, String> generator;
    private final Map<String, Delegate> delegates;
    private final int maxRounds;

    DelegatingGenerator(
            Generator<I, String> generator,
            Map<String, Delegate> delegates,
            int maxRounds,
            StepOptions<String> options) {
        super("generator", generator.name(), options);
        this.generator = generator;
        this.delegates = delegates;
        this.maxRounds = maxRounds;
    }

    /**
     * @param maxRounds the most rounds that end with delegate calls, at least 1
     * @return a copy with this bound
     */
    public DelegatingGenerator<I> maxRounds(int maxRounds) {
        if (maxRounds < 1) {
            throw new IllegalArgumentException("maxRounds must be at least 1: " + maxRounds);
        }
        return new DelegatingGenerator<>(generator, delegates, maxRounds, options());
    }

    /**
     * @param options settings inherited by the model steps and the delegates that have none of their own
     * @return a copy with these options
     */
    public DelegatingGenerator<I> withOptions(StepOptions<String> options) {
        return new DelegatingGenerator<>(generator, delegates, maxRounds, options);
    }

    /** @return the delegates' names */
    public List<String> delegateNames() {
        return List.copyOf(delegates.keySet());
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public String execute(I input, BlockContext ctx) {
        List<ToolSpecification> specs =
                delegates.values().stream().map(Delegate::specification).toList();
        List<ChatMessage> continuation = new ArrayList<>();
        for (int round = 0; ; round++) {
            BlockContext roundCtx = ctx.under("round[" + round + "]");
            List<ChatMessage> sent = List.copyOf(continuation);
            Round r = roundCtx.run(
                    Handler.<I, Round>of(
                            MODEL, (in, c) -> generator.generation(c).round(in, sent, specs, delegates.keySet())),
                    input);
            continuation.addAll(ChatMessageDeserializer.messagesFromJson(r.messages()));
            if (r.calls() == null || r.calls().isEmpty()) {
                return r.text();
            }
            if (round == maxRounds) {
                throw new ToolRoundsExceededException(Messages.delegateRounds(ctx.path(), maxRounds), maxRounds);
            }
            for (Call call : r.calls()) {
                Delegate d = delegates.get(call.name());
                if (d == null) {
                    throw new IllegalStateException(
                            Messages.delegateUnknown(ctx.path(), call.name(), delegates.keySet()));
                }
                Object out = run(roundCtx, d.block(), call.request());
                continuation.add(ToolExecutionResultMessage.builder()
                        .id(call.id())
                        .toolName(call.name())
                        .text(out instanceof String s ? s : JSON.toJson(out))
                        .build());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <Y> Y run(BlockContext ctx, Block<String, ?> block, String request) {
        return (Y) ctx.run(block, request);
    }

    /** The {@value Delegate#REQUEST} argument of a delegate call, or the raw arguments when they have none. */
    static String requestOf(String arguments, BlockContext ctx) {
        if (arguments == null || arguments.isBlank()) {
            return "";
        }
        try {
            Object map = ctx.service(PayloadCodec.class).convert(arguments, Map.class);
            if (map instanceof Map<?, ?> m && m.get(Delegate.REQUEST) != null) {
                return String.valueOf(m.get(Delegate.REQUEST));
            }
        } catch (RuntimeException notJson) {
            // not a JSON object: the raw arguments are the request
        }
        return arguments;
    }

    static <I> DelegatingGenerator<I> of(Generator<I, String> generator, Delegate... delegates) {
        Map<String, Delegate> byName = new LinkedHashMap<>();
        for (Delegate d : delegates) {
            Objects.requireNonNull(d, "delegate");
            if (byName.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException(Messages.badTools(d.name(), "the delegate name is used twice"));
            }
            if (d.block().name().equals(MODEL)) {
                throw new IllegalArgumentException(Messages.badTools(
                        d.name(), "its block is named '" + MODEL + "', the name of the rounds' model step"));
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("a delegating generator needs at least one delegate");
        }
        return new DelegatingGenerator<>(generator, Map.copyOf(byName), DEFAULT_MAX_ROUNDS, generator.options());
    }

    @Override
    public String toString() {
        return "DelegatingGenerator[" + name() + ", delegates=" + delegates.keySet() + "]";
    }
}
