package io.crux.ee.langchain4j;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/** Sends a complete response to a streaming handler the way a model streams it, on the calling thread. */
final class StreamReplay {

    private StreamReplay() {}

    /**
     * Sends the thinking, then the text in the given chunks, then the tool calls and the complete
     * response.
     *
     * @param chunks the pieces of the text, joining to it; ignored when the response has no text
     */
    static void send(ChatResponse response, List<String> chunks, StreamingChatResponseHandler handler) {
        String thinking = response.aiMessage().thinking();
        if (thinking != null) {
            handler.onPartialThinking(new PartialThinking(thinking));
        }
        if (response.aiMessage().text() != null) {
            for (String chunk : chunks) {
                handler.onPartialResponse(chunk);
            }
        }
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        for (int i = 0; i < calls.size(); i++) {
            handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
        }
        handler.onCompleteResponse(response);
    }

    /** The text in words, each with the whitespace after it, as a reasonable stream of chunks. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))
                    && (i + 1 == text.length() || !Character.isWhitespace(text.charAt(i + 1)))) {
                words.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            words.add(text.substring(start));
        }
        return words;
    }
}
