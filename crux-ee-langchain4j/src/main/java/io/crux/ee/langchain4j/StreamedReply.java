package io.crux.ee.langchain4j;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.MessageStream;

/**
 * A streamed model reply, read on the step's thread: the bridge from LangChain4j's
 * {@link StreamingChatResponseHandler} to the run's {@link MessageStream}, which cancels the
 * model's stream when the step stops reading.
 */
final class StreamedReply {

    private StreamedReply() {}

    /**
     * Calls the streaming model and handles its callbacks on this thread: the model may call back
     * on its own threads, while items and deltas belong to the step's thread. When the step stops
     * reading before the response is complete (a cancel, a timeout: the thread is interrupted),
     * the model's stream is cancelled too, so that it stops generating.
     *
     * @return the reply, with its message item still open
     */
    static ModelReply read(StreamingChatModel streamingModel, ChatRequest request, BlockContext ctx) throws Exception {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        ModelStream model = new ModelStream();
        streamingModel.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                events.add(new Token(partial));
            }

            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                if (model.reached(context.streamingHandle())) {
                    events.add(new Token(partial.text()));
                }
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
                events.add(new Thinking(thinking.text()));
            }

            @Override
            public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
                if (model.reached(context.streamingHandle())) {
                    events.add(new Thinking(thinking.text()));
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                events.add(response);
            }

            @Override
            public void onError(Throwable error) {
                events.add(new Failure(error));
            }
        });
        StringBuilder thinking = new StringBuilder();
        boolean reasoned = false;
        boolean ended = false;
        MessageStream message = null;
        try {
            while (true) {
                Object event = events.take();
                if (event instanceof Token token) {
                    if (token.text == null || token.text.isEmpty()) {
                        continue;
                    }
                    if (message == null) {
                        ModelReply.emitReasoning(ctx, thinking.toString());
                        reasoned = thinking.length() > 0;
                        message = ctx.message("assistant");
                    }
                    message.delta(token.text);
                } else if (event instanceof Thinking t) {
                    if (t.text != null) {
                        thinking.append(t.text);
                    }
                } else if (event instanceof ChatResponse response) {
                    if (!reasoned) {
                        ModelReply.emitReasoning(
                                ctx,
                                thinking.length() > 0
                                        ? thinking.toString()
                                        : response.aiMessage().thinking());
                    }
                    return new ModelReply(response, message);
                } else {
                    ended = true; // the model's own failure ends its stream
                    Throwable error = ((Failure) event).error;
                    if (error instanceof Exception e) {
                        throw e;
                    }
                    throw (Error) error;
                }
            }
        } catch (Exception | Error e) {
            if (!ended) {
                model.cancel();
            }
            if (message != null) {
                message.close();
            }
            throw e;
        }
    }

    /**
     * The model's side of a streamed reply: its handle, which it gives with its callbacks, and
     * whether the step stopped reading, so that a callback that comes after cancels the stream.
     */
    private static final class ModelStream {
        private StreamingHandle handle;
        private boolean cancelled;

        /** @return whether the callback is still wanted; when not, the stream is cancelled */
        synchronized boolean reached(StreamingHandle handle) {
            this.handle = handle;
            if (cancelled && !handle.isCancelled()) {
                handle.cancel();
            }
            return !cancelled;
        }

        synchronized void cancel() {
            cancelled = true;
            if (handle != null && !handle.isCancelled()) {
                handle.cancel();
            }
        }
    }

    private record Token(String text) {}

    private record Thinking(String text) {}

    private record Failure(Throwable error) {}
}
