package io.crux.ee.langchain4j.cdi;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

import io.crux.ee.api.exception.ModelConfigurationException;
import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.langchain4j.ConfiguredModelRegistry;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/**
 * The application's chat models for generators. A name resolves to, in this order:
 * <ol>
 *   <li>a CDI bean of type {@link ChatModel} (or {@link StreamingChatModel}) qualified
 *       {@code @Named("<name>")}, for example a producer method of the application;</li>
 *   <li>a model built from MicroProfile Config properties {@code crux.models.<name>.*} with
 *       LangChain4j's OpenAI-compatible client (see {@link ConfiguredModelRegistry} for the keys),
 *       built once and cached.</li>
 * </ol>
 * Otherwise the lookup fails with {@link ModelNotFoundException}, naming the known models.
 */
@ApplicationScoped
public class CdiModelRegistry implements ModelRegistry {

    @Inject
    @Any
    Instance<ChatModel> chatModels;

    @Inject
    @Any
    Instance<StreamingChatModel> streamingModels;

    private volatile ConfiguredModelRegistry configured;

    /**
     * One instance per name: a model produced without a scope ({@code @Dependent}) is created once
     * and lives as long as the application, instead of once per generator call.
     */
    private final Map<String, ChatModel> chatBeans = new ConcurrentHashMap<>();

    private final Map<String, StreamingChatModel> streamingBeans = new ConcurrentHashMap<>();

    @Override
    public ChatModel chatModel(String name) {
        ChatModel bean = chatBeans.computeIfAbsent(name, n -> bean(chatModels, n, "ChatModel"));
        if (bean != null) {
            return bean;
        }
        return configured()
                .findChatModel(name)
                .orElseThrow(
                        () -> new ModelNotFoundException(Messages.modelNotFound(name, "ChatModel", known(chatModels))));
    }

    @Override
    public StreamingChatModel streamingChatModel(String name) {
        StreamingChatModel bean =
                streamingBeans.computeIfAbsent(name, n -> bean(streamingModels, n, "StreamingChatModel"));
        if (bean != null) {
            return bean;
        }
        return configured()
                .findStreamingChatModel(name)
                .orElseThrow(() -> new ModelNotFoundException(
                        Messages.modelNotFound(name, "StreamingChatModel", known(streamingModels))));
    }

    private static <T> T bean(Instance<T> beans, String name, String kind) {
        Instance<T> selected = beans.select(NamedLiteral.of(name));
        if (selected.isAmbiguous()) {
            Set<String> classes = new TreeSet<>();
            selected.handles()
                    .forEach(h -> classes.add(h.getBean().getBeanClass().getName()));
            throw new ModelConfigurationException(Messages.modelAmbiguous(name, kind, classes));
        }
        return selected.isResolvable() ? selected.get() : null;
    }

    private Set<String> known(Instance<?> beans) {
        Set<String> names = new TreeSet<>(configured().names());
        beans.handles()
                .forEach(h -> h.getBean().getQualifiers().stream()
                        .filter(Named.class::isInstance)
                        .map(q -> ((Named) q).value())
                        .filter(n -> !n.isEmpty())
                        .forEach(names::add));
        return names;
    }

    private ConfiguredModelRegistry configured() {
        ConfiguredModelRegistry c = configured;
        if (c == null) {
            synchronized (this) {
                c = configured;
                if (c == null) {
                    c = ConfiguredModelRegistry.of(ConfigProvider.getConfig());
                    configured = c;
                }
            }
        }
        return c;
    }
}
