package io.crux.ee.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.json.JsonObject;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import io.crux.ee.langchain4j.Recordings.ModelInfo;
import io.crux.ee.langchain4j.Recordings.Recording;

/** The blocking and streaming models of a cassette, which answer from its recordings or call the real model and record. */
final class CassetteModels {

    private CassetteModels() {}

    /** What both kinds share: the recordings, and what a replayed model reports about itself. */
    private abstract static class Base {
        final Recordings recordings;
        final String name;
        final boolean streaming;
        final Object real;

        Base(Recordings recordings, String name, boolean streaming, Object real) {
            this.recordings = recordings;
            this.name = name;
            this.streaming = streaming;
            this.real = real;
        }

        ModelProvider providerOf(ModelProvider realProvider) {
            if (real != null) {
                return realProvider;
            }
            ModelInfo info = recordings.info(name, streaming);
            if (info == null || info.provider() == null) {
                return ModelProvider.OTHER;
            }
            try {
                return ModelProvider.valueOf(info.provider());
            } catch (IllegalArgumentException unknown) {
                return ModelProvider.OTHER;
            }
        }

        ChatRequestParameters defaultsOf(ChatRequestParameters realDefaults) {
            if (real != null) {
                return realDefaults;
            }
            ModelInfo info = recordings.info(name, streaming);
            String modelName = info == null || info.modelName() == null ? name : info.modelName();
            return ChatRequestParameters.builder().modelName(modelName).build();
        }

        Set<Capability> capabilitiesOf(Set<Capability> realCapabilities) {
            if (real != null) {
                return realCapabilities;
            }
            ModelInfo info = recordings.info(name, streaming);
            return info == null ? Set.of() : info.capabilities();
        }

        ChatResponse replayed(Recording r) {
            return CassetteJson.chatResponse(r.response(), "cassette-" + recordings.indexOf(r));
        }

        /** @return the class name and the cassette's file and mode */
        String describe(String kind) {
            return kind + "[" + name + ", " + recordings.file() + ", " + recordings.mode() + "]";
        }
    }

    /** A blocking model of a cassette. */
    static final class Chat extends Base implements ChatModel {
        private final ChatModel delegate;

        /** @param real the real model, {@code null} when it must not be called */
        Chat(Recordings recordings, String name, ChatModel real) {
            super(recordings, name, false, real);
            this.delegate = real;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            JsonObject canonical = CassetteJson.request(request);
            Optional<Recording> recorded = recordings.find(name, canonical, delegate != null);
            if (recorded.isPresent()) {
                return replayed(recorded.get());
            }
            recordings.remember(name, false, delegate);
            ChatResponse response = delegate.chat(request);
            recordings.record(name, false, canonical, response, null);
            return response;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            return chat(request);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return defaultsOf(delegate == null ? null : delegate.defaultRequestParameters());
        }

        @Override
        public ModelProvider provider() {
            return providerOf(delegate == null ? null : delegate.provider());
        }

        @Override
        public Set<Capability> supportedCapabilities() {
            return capabilitiesOf(delegate == null ? null : delegate.supportedCapabilities());
        }

        @Override
        public String toString() {
            return describe("CassetteChatModel");
        }
    }

    /** A streaming model of a cassette. */
    static final class Streaming extends Base implements StreamingChatModel {
        private final StreamingChatModel delegate;

        /** @param real the real model, {@code null} when it must not be called */
        Streaming(Recordings recordings, String name, StreamingChatModel real) {
            super(recordings, name, true, real);
            this.delegate = real;
        }

        @Override
        public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
            JsonObject canonical = CassetteJson.request(request);
            Optional<Recording> recorded = recordings.find(name, canonical, delegate != null);
            if (recorded.isPresent()) {
                replay(recorded.get(), handler);
                return;
            }
            recordings.remember(name, true, delegate);
            delegate.chat(request, new RecordingHandler(canonical, handler));
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            chat(request, handler);
        }

        /** Sends the text in the recorded chunks, or word by word when it was recorded by a blocking call. */
        private void replay(Recording recording, StreamingChatResponseHandler handler) {
            ChatResponse response = replayed(recording);
            String text = response.aiMessage().text();
            List<String> chunks = List.of();
            if (text != null) {
                chunks = CassetteJson.chunks(recording.response());
                if (!String.join("", chunks).equals(text)) {
                    chunks = StreamReplay.words(text);
                }
            }
            StreamReplay.send(response, chunks, handler);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return defaultsOf(delegate == null ? null : delegate.defaultRequestParameters());
        }

        @Override
        public ModelProvider provider() {
            return providerOf(delegate == null ? null : delegate.provider());
        }

        @Override
        public Set<Capability> supportedCapabilities() {
            return capabilitiesOf(delegate == null ? null : delegate.supportedCapabilities());
        }

        @Override
        public String toString() {
            return describe("CassetteStreamingChatModel");
        }

        /** Passes every event on, and records the response with its chunks when it completes. */
        private final class RecordingHandler implements StreamingChatResponseHandler {
            private final JsonObject request;
            private final StreamingChatResponseHandler target;
            private final List<String> chunks = new ArrayList<>();

            RecordingHandler(JsonObject request, StreamingChatResponseHandler target) {
                this.request = request;
                this.target = target;
            }

            @Override
            public void onPartialResponse(String partial) {
                synchronized (chunks) {
                    chunks.add(partial);
                }
                target.onPartialResponse(partial);
            }

            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                synchronized (chunks) {
                    chunks.add(partial.text());
                }
                target.onPartialResponse(partial, context);
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
                target.onPartialThinking(thinking);
            }

            @Override
            public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
                target.onPartialThinking(thinking, context);
            }

            @Override
            public void onPartialToolCall(PartialToolCall call) {
                target.onPartialToolCall(call);
            }

            @Override
            public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
                target.onPartialToolCall(call, context);
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall call) {
                target.onCompleteToolCall(call);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                List<String> copy;
                synchronized (chunks) {
                    copy = List.copyOf(chunks);
                }
                recordings.record(name, true, request, response, copy);
                target.onCompleteResponse(response);
            }

            @Override
            public void onError(Throwable error) {
                target.onError(error);
            }
        }
    }
}
