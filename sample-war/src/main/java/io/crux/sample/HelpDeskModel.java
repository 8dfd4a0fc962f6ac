package io.crux.sample;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;

/**
 * The help desk's stand-in for a language model: a LangChain4j {@link StreamingChatModel} that answers
 * the conversation's last user message from a fixed rule table, and a follow-up (a question without a
 * topic of its own that refers back: "that", "it", "this") from the latest topic earlier in the
 * conversation (the session's history, which the generator sends). It streams its answer word by word on a thread of its own, as a model's HTTP client does,
 * waiting a pause before each word (in the sample {@code sample.help-desk.word-pause}, default 60 ms,
 * {@code PT0S} for none), so that the answer visibly grows in the browser; a cancelled stream stops.
 */
public final class HelpDeskModel implements StreamingChatModel {

    /** The name generators call it by. */
    public static final String NAME = "help-desk";

    /** The answer to a question the rules do not cover: the flow opens a ticket for it. */
    public static final String UNKNOWN = "I do not know that yet; a colleague will answer by e-mail.";

    private static final Map<String, String> ANSWERS = Map.of(
            "expense", "Submit the claim with POST /api/expenses; claims over 50 EUR wait for a manager's approval.",
            "password", "Use the self-service portal to reset your password; it takes about five minutes.",
            "holiday", "Book holidays in the HR system at least two weeks ahead.");

    /** Words by which a question refers to an earlier one. */
    private static final Pattern FOLLOW_UP =
            Pattern.compile("\\b(that|it|this|those|they)\\b", Pattern.CASE_INSENSITIVE);

    private final ThreadFactory threads;
    private final Duration wordPause;

    /**
     * @param threads makes the thread that streams each answer (in a server, a managed thread factory)
     * @param wordPause the wait before each word; zero or negative for none
     */
    public HelpDeskModel(ThreadFactory threads, Duration wordPause) {
        this.threads = threads;
        this.wordPause = wordPause;
    }

    /**
     * @param question a question
     * @return the rule table's topic of the question, if it has one
     */
    public static Optional<String> topic(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        return ANSWERS.keySet().stream().filter(q::contains).sorted().findFirst();
    }

    /**
     * @param conversation the messages of a request, oldest first
     * @return the answer to its last user message: by its topic, else (a follow-up) by the latest earlier
     *     topic, else {@link #UNKNOWN}
     */
    public static String answer(List<ChatMessage> conversation) {
        List<String> asked = conversation.stream()
                .filter(UserMessage.class::isInstance)
                .map(m -> ((UserMessage) m).singleText())
                .toList();
        if (asked.isEmpty()) {
            return UNKNOWN;
        }
        String question = asked.get(asked.size() - 1);
        Optional<String> own = topic(question);
        if (own.isPresent()) {
            return ANSWERS.get(own.get());
        }
        if (!FOLLOW_UP.matcher(question).find()) {
            return UNKNOWN;
        }
        for (int i = asked.size() - 2; i >= 0; i--) {
            Optional<String> earlier = topic(asked.get(i));
            if (earlier.isPresent()) {
                return "About your earlier question on " + earlier.get() + ": " + ANSWERS.get(earlier.get());
            }
        }
        return UNKNOWN;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        String text = answer(request.messages());
        AtomicBoolean cancelled = new AtomicBoolean();
        StreamingHandle handle = new StreamingHandle() {
            @Override
            public void cancel() {
                cancelled.set(true);
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
        threads.newThread(() -> {
                    try {
                        String[] words = text.split(" ");
                        for (int i = 0; i < words.length && !cancelled.get(); i++) {
                            typing();
                            handler.onPartialResponse(
                                    new PartialResponse(i == 0 ? words[i] : " " + words[i]),
                                    new PartialResponseContext(handle));
                        }
                        if (!cancelled.get()) {
                            handler.onCompleteResponse(ChatResponse.builder()
                                    .aiMessage(AiMessage.from(text))
                                    .finishReason(FinishReason.STOP)
                                    .modelName(NAME)
                                    .build());
                        }
                    } catch (RuntimeException e) {
                        handler.onError(e);
                    }
                })
                .start();
    }

    /** Waits the pause before a word, as a model streams its tokens. */
    private void typing() {
        if (wordPause.isZero() || wordPause.isNegative()) {
            return;
        }
        try {
            Thread.sleep(wordPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while answering", e);
        }
    }
}
