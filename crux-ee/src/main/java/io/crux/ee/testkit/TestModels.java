package io.crux.ee.testkit;

import java.util.Map;
import java.util.TreeMap;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.engine.Messages;
import io.crux.ee.model.ModelRegistry;

/** The models of a test: the given mocks, and a clear failure for any other model a block asks for. */
final class TestModels implements ModelRegistry {

    private final Map<String, Object> mocks;

    TestModels(Map<String, ?> mocks) {
        this.mocks = Map.copyOf(mocks);
    }

    @Override
    public ChatModel chatModel(String name) {
        return find(name, ChatModel.class);
    }

    @Override
    public StreamingChatModel streamingChatModel(String name) {
        return find(name, StreamingChatModel.class);
    }

    private <T> T find(String name, Class<T> kind) {
        Object model = mocks.get(name);
        if (!kind.isInstance(model)) {
            throw new ModelNotFoundException(Messages.unmockedModel(name, kind.getSimpleName(), new TreeMap<>(mocks).keySet()));
        }
        return kind.cast(model);
    }
}
