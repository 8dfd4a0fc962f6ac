package io.crux.ee.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;

/** A model's reply, and the message item that streamed it, still open until {@link #complete()}. */
final class ModelReply implements AutoCloseable {
    final ChatResponse response;
    private final MessageStream message;

    ModelReply(ChatResponse response, MessageStream message) {
        this.response = response;
        this.message = message;
    }

    /** Emits the model's reasoning, when it gave any, as a reasoning item. */
    static void emitReasoning(BlockContext ctx, String text) {
        if (text != null && !text.isBlank()) {
            ctx.emit(Item.reasoning(text));
        }
    }

    void complete() {
        if (message != null) {
            message.done();
        }
    }

    @Override
    public void close() {
        if (message != null) {
            message.close();
        }
    }
}
