package io.crux.ee.langchain4j;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.Config;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;

import io.crux.ee.api.exception.ModelConfigurationException;
import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/**
 * Chat models built from configuration with LangChain4j's OpenAI client, which speaks to any
 * OpenAI-compatible server: OpenAI itself, Ollama, vLLM, llama.cpp's {@code llama-server}, LM Studio
 * and the like. A model named {@code <name>} is configured by these properties (MicroProfile Config
 * in the server):
 *
 * <table>
 *   <caption>Properties of a configured model</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code crux.models.<name>.base-url}</td><td>the API's base URL, ending in {@code /v1}
 *       (for example {@code http://localhost:11434/v1} for Ollama)</td><td>required</td></tr>
 *   <tr><td>{@code crux.models.<name>.model-name}</td><td>the model the server should run</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code crux.models.<name>.api-key}</td><td>sent as a bearer token</td><td>none</td></tr>
 *   <tr><td>{@code crux.models.<name>.timeout}</td><td>per HTTP request, ISO-8601
 *       ({@code PT60S})</td><td>LangChain4j's (60 seconds)</td></tr>
 *   <tr><td>{@code crux.models.<name>.max-retries}</td><td>retries of a failed blocking call inside
 *       the client (LangChain4j waits about 0.5 s, then longer, holding the thread); streaming calls
 *       are not retried by the client</td><td>0: the generator's step retry handles failures</td></tr>
 *   <tr><td>{@code crux.models.<name>.temperature}</td><td>sampling temperature</td><td>the
 *       server's</td></tr>
 *   <tr><td>{@code crux.models.<name>.json-schema}</td><td>whether the server accepts JSON-schema
 *       response formats, used for structured output of blocking generators</td><td>{@code true}</td></tr>
 *   <tr><td>{@code crux.models.<name>.return-thinking}</td><td>whether to read the
 *       {@code reasoning_content} of reasoning models (DeepSeek, vLLM, Ollama)</td><td>{@code false}</td></tr>
 * </table>
 *
 * <p>Models are built on first use and cached; both the blocking and the streaming form of a name
 * share its properties. Thread-safe.
 */
public final class ConfiguredModelRegistry implements ModelRegistry {

    /** The prefix of every model property. */
    public static final String PREFIX = "crux.models.";

    static final String BASE_URL = "base-url";
    static final String MODEL_NAME = "model-name";
    static final String API_KEY = "api-key";
    static final String TIMEOUT = "timeout";
    static final String MAX_RETRIES = "max-retries";
    static final String TEMPERATURE = "temperature";
    static final String JSON_SCHEMA = "json-schema";
    static final String RETURN_THINKING = "return-thinking";

    private final Function<String, Optional<String>> properties;
    private final Supplier<Iterable<String>> propertyNames;
    private final Map<String, ChatModel> chatModels = new ConcurrentHashMap<>();
    private final Map<String, StreamingChatModel> streamingModels = new ConcurrentHashMap<>();

    private ConfiguredModelRegistry(
            Function<String, Optional<String>> properties, Supplier<Iterable<String>> propertyNames) {
        this.properties = properties;
        this.propertyNames = propertyNames;
    }

    /**
     * @param config the application's MicroProfile Config
     * @return a registry that reads {@code crux.models.*} from it
     */
    public static ConfiguredModelRegistry of(Config config) {
        Objects.requireNonNull(config, "config");
        return new ConfiguredModelRegistry(key -> config.getOptionalValue(key, String.class), config::getPropertyNames);
    }

    /**
     * @param properties {@code crux.models.*} properties, for tests and plain Java
     * @return a registry over a copy of them
     */
    public static ConfiguredModelRegistry of(Map<String, String> properties) {
        Map<String, String> copy = Map.copyOf(properties);
        return new ConfiguredModelRegistry(key -> Optional.ofNullable(copy.get(key)), copy::keySet);
    }

    /** @return the names of the configured models (those with a {@code base-url}), sorted */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        String suffix = "." + BASE_URL;
        for (String key : propertyNames.get()) {
            if (key.startsWith(PREFIX) && key.endsWith(suffix) && key.length() > PREFIX.length() + suffix.length()) {
                names.add(key.substring(PREFIX.length(), key.length() - suffix.length()));
            }
        }
        return names;
    }

    /**
     * @param name a model name
     * @return the blocking model, if {@code name} is configured
     * @throws ModelConfigurationException if its properties are incomplete or malformed
     */
    public Optional<ChatModel> findChatModel(String name) {
        if (!isConfigured(name)) {
            return Optional.empty();
        }
        return Optional.of(chatModels.computeIfAbsent(name, this::buildChatModel));
    }

    /**
     * @param name a model name
     * @return the streaming model, if {@code name} is configured
     * @throws ModelConfigurationException if its properties are incomplete or malformed
     */
    public Optional<StreamingChatModel> findStreamingChatModel(String name) {
        if (!isConfigured(name)) {
            return Optional.empty();
        }
        return Optional.of(streamingModels.computeIfAbsent(name, this::buildStreamingModel));
    }

    @Override
    public ChatModel chatModel(String name) {
        return findChatModel(name)
                .orElseThrow(() -> new ModelNotFoundException(Messages.modelNotFound(name, "ChatModel", names())));
    }

    @Override
    public StreamingChatModel streamingChatModel(String name) {
        return findStreamingChatModel(name)
                .orElseThrow(
                        () -> new ModelNotFoundException(Messages.modelNotFound(name, "StreamingChatModel", names())));
    }

    private boolean isConfigured(String name) {
        Objects.requireNonNull(name, "name");
        return value(name, BASE_URL).isPresent() || value(name, MODEL_NAME).isPresent();
    }

    private ChatModel buildChatModel(String name) {
        var builder = OpenAiChatModel.builder()
                .baseUrl(required(name, BASE_URL, MODEL_NAME))
                .modelName(required(name, MODEL_NAME, BASE_URL))
                .maxRetries(integer(name, MAX_RETRIES).orElse(0))
                .returnThinking(bool(name, RETURN_THINKING).orElse(false));
        value(name, API_KEY).ifPresent(builder::apiKey);
        duration(name).ifPresent(builder::timeout);
        decimal(name, TEMPERATURE).ifPresent(builder::temperature);
        if (bool(name, JSON_SCHEMA).orElse(true)) {
            builder.supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        }
        return builder.build();
    }

    private StreamingChatModel buildStreamingModel(String name) {
        var builder = OpenAiStreamingChatModel.builder()
                .baseUrl(required(name, BASE_URL, MODEL_NAME))
                .modelName(required(name, MODEL_NAME, BASE_URL))
                .returnThinking(bool(name, RETURN_THINKING).orElse(false));
        value(name, API_KEY).ifPresent(builder::apiKey);
        duration(name).ifPresent(builder::timeout);
        decimal(name, TEMPERATURE).ifPresent(builder::temperature);
        return builder.build();
    }

    private Optional<String> value(String name, String key) {
        return properties.apply(PREFIX + name + "." + key).map(String::strip).filter(v -> !v.isEmpty());
    }

    private String required(String name, String key, String other) {
        return value(name, key)
                .orElseThrow(() -> new ModelConfigurationException(
                        Messages.modelConfigIncomplete(name, PREFIX + name + "." + other, PREFIX + name + "." + key)));
    }

    private Optional<Duration> duration(String name) {
        return value(name, TIMEOUT).map(v -> {
            try {
                Duration d = Duration.parse(v);
                if (d.isNegative() || d.isZero()) {
                    throw invalid(name, TIMEOUT, v, "a positive ISO-8601 duration such as PT60S", null);
                }
                return d;
            } catch (DateTimeParseException e) {
                throw invalid(name, TIMEOUT, v, "a positive ISO-8601 duration such as PT60S", e);
            }
        });
    }

    private Optional<Integer> integer(String name, String key) {
        return value(name, key).map(v -> {
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw invalid(name, key, v, "a whole number of 0 or more", null);
                }
                return n;
            } catch (NumberFormatException e) {
                throw invalid(name, key, v, "a whole number of 0 or more", e);
            }
        });
    }

    private Optional<Double> decimal(String name, String key) {
        return value(name, key).map(v -> {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw invalid(name, key, v, "a decimal number such as 0.2", e);
            }
        });
    }

    private Optional<Boolean> bool(String name, String key) {
        return value(name, key).map(v -> {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw invalid(name, key, v, "true or false", null);
        });
    }

    private static ModelConfigurationException invalid(
            String name, String key, String value, String expected, Throwable cause) {
        return new ModelConfigurationException(
                Messages.modelConfigInvalid(name, PREFIX + name + "." + key, value, expected), cause);
    }
}
