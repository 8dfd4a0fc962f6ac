package io.crux.ee.langchain4j.spi;

import java.util.Map;
import java.util.TreeMap;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.catalog.Messages;

/**
 * Finds LangChain4j chat models by name for generators, which ask their block context for it
 * ({@code ctx.service(ModelRegistry.class)}). In the server it is the CDI bean
 * {@link io.crux.ee.langchain4j.cdi.CdiModelRegistry}: models are CDI beans qualified by name, or are
 * built from MicroProfile Config; an application may replace it with an {@code @Alternative}. In the
 * test kit a test gives one with {@code FlowTest.service(ModelRegistry.class, ModelRegistry.of(...))}.
 * Implementations are called from many runs at once and must be thread-safe.
 */
public interface ModelRegistry {

    /** A registry without models: every lookup fails with {@link ModelNotFoundException}. */
    ModelRegistry NONE = of(Map.of());

    /**
     * @param name the model's name
     * @return the blocking model of that name
     * @throws ModelNotFoundException if there is none
     */
    ChatModel chatModel(String name);

    /**
     * @param name the model's name
     * @return the streaming model of that name
     * @throws ModelNotFoundException if there is none
     */
    StreamingChatModel streamingChatModel(String name);

    /**
     * A registry of one model, as a test gives it to its run.
     *
     * @param name the model's name
     * @param model a {@link ChatModel}, a {@link StreamingChatModel} or both
     * @return the registry
     */
    static ModelRegistry of(String name, Object model) {
        return of(Map.of(name, model));
    }

    /**
     * A fixed registry.
     *
     * @param models models by name; each is a {@link ChatModel}, a {@link StreamingChatModel} or both
     * @return a registry over a copy of the map
     */
    static ModelRegistry of(Map<String, ?> models) {
        Map<String, Object> copy = Map.copyOf(models);
        return new ModelRegistry() {
            @Override
            public ChatModel chatModel(String name) {
                return find(name, ChatModel.class);
            }

            @Override
            public StreamingChatModel streamingChatModel(String name) {
                return find(name, StreamingChatModel.class);
            }

            private <T> T find(String name, Class<T> kind) {
                Object model = copy.get(name);
                if (!kind.isInstance(model)) {
                    throw new ModelNotFoundException(
                            Messages.modelNotFound(name, kind.getSimpleName(), new TreeMap<>(copy).keySet()));
                }
                return kind.cast(model);
            }
        };
    }
}
