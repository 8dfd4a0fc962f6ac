package io.crux.ee.langchain4j;

import java.util.Objects;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

import io.crux.ee.api.Block;

/**
 * An agent that a generator may call as a tool: a block that receives the model's request as text
 * and whose output goes back to the model as the tool's result (a {@code String} as it is, anything
 * else as JSON). Offer delegates with {@link Generator#delegates(Delegate...)}; each call runs the
 * block as a durable child of the delegating generator.
 *
 * <pre>{@code
 * Generator<Question, String> lead = Generator.<Question>named("lead")
 *         .system("Answer the question; ask the researcher for facts you do not have.")
 *         .prompt((q, ctx) -> q.text());
 * DelegatingGenerator<Question> answer = lead.delegates(
 *         Delegate.of("researcher", "Finds facts in the library; give it a precise question.", researcher));
 * }</pre>
 *
 * <p>Immutable and thread-safe if the block is.
 *
 * @param name the tool's name the model sees, distinct among the generator's tools and delegates
 * @param description what the tool does, for the model
 * @param block the agent that answers, with input {@code String}
 */
public record Delegate(String name, String description, Block<String, ?> block) {

    /** The tool's one parameter: what the model asks the delegate. */
    public static final String REQUEST = "request";

    /** Checks the fields. */
    public Delegate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(block, "block");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a delegate needs a name");
        }
    }

    /**
     * @param name the tool's name
     * @param description what the delegate does, for the model
     * @param block the agent that answers
     * @return the delegate
     */
    public static Delegate of(String name, String description, Block<String, ?> block) {
        return new Delegate(name, description, block);
    }

    /**
     * @param name the tool's name, also used in the description
     * @param block the agent that answers
     * @return the delegate
     */
    public static Delegate of(String name, Block<String, ?> block) {
        return new Delegate(name, "Asks the agent '" + name + "' and returns its answer.", block);
    }

    /** @return the tool specification the model sees: one string parameter {@value #REQUEST} */
    ToolSpecification specification() {
        return ToolSpecification.builder()
                .name(name)
                .description(description)
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty(REQUEST, "what to ask " + name)
                        .required(REQUEST)
                        .build())
                .build();
    }
}
