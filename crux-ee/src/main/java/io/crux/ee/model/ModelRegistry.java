package io.crux.ee.model;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

/**
 * Finds LangChain4j chat models by name for generators. In the server the models are CDI beans
 * qualified by name, or are built from MicroProfile Config; in the test kit they are scripted.
 */
public interface ModelRegistry {

    /**
     * @param name the model's name
     * @return the blocking model of that name
     * @throws io.crux.ee.api.exception.CruxException if there is none
     */
    ChatModel chatModel(String name);

    /**
     * @param name the model's name
     * @return the streaming model of that name
     * @throws io.crux.ee.api.exception.CruxException if there is none
     */
    StreamingChatModel streamingChatModel(String name);
}
