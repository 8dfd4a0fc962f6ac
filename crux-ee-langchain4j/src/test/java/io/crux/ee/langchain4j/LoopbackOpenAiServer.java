package io.crux.ee.langchain4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small OpenAI-compatible chat-completions server on the loopback interface, for testing the real
 * {@code langchain4j-open-ai} client: {@code POST /v1/chat/completions}, blocking or streamed
 * ({@code "stream": true} answers {@code text/event-stream} chunks {@code data: {...}} ending with
 * {@code data: [DONE]}), with text, reasoning ({@code reasoning_content}), tool calls, and HTTP
 * errors on cue. Each request takes the next {@link Answer} of the queue; a request with none left is
 * answered 500 with a message saying so, and recorded.
 *
 * <pre>{@code
 * try (LoopbackOpenAiServer server = LoopbackOpenAiServer.start()) {
 *     server.enqueue(Answer.status(429), Answer.text("Hello"));
 *     // crux.models.default.base-url = server.baseUrl()
 * }
 * }</pre>
 *
 * <p>Binds 127.0.0.1 on a free port; {@link #close()} stops it. Thread-safe.
 */
public final class LoopbackOpenAiServer implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loopback-openai");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** A request as the server received it. */
    public record Request(String method, String path, String authorization, JsonObject body) {
        /** @return whether the client asked for a stream */
        public boolean streamed() {
            return body.getBoolean("stream", false);
        }
    }

    private LoopbackOpenAiServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v1/chat/completions", this::handle);
        http.setExecutor(executor);
        http.start();
    }

    /**
     * @return a started server
     * @throws IOException if no port could be bound
     */
    public static LoopbackOpenAiServer start() throws IOException {
        return new LoopbackOpenAiServer();
    }

    /** @return the base URL to configure, {@code http://127.0.0.1:<port>/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
    }

    /**
     * @param next answers to the next requests, in order
     * @return this server
     */
    public LoopbackOpenAiServer enqueue(Answer... next) {
        synchronized (this) {
            answers.addAll(List.of(next));
        }
        return this;
    }

    /** @return the requests received so far */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** @return how many queued answers were not used */
    public synchronized int pending() {
        return answers.size();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonObject body;
            try (InputStream in = exchange.getRequestBody()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                body = text.isBlank()
                        ? JsonObject.EMPTY_JSON_OBJECT
                        : Json.createReader(new StringReader(text)).readObject();
            }
            Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body);
            Answer answer;
            synchronized (this) {
                requests.add(request);
                answer = answers.poll();
            }
            if (answer == null) {
                answer = Answer.status(
                        500,
                        "the loopback server has no answer queued for request "
                                + requests().size());
            }
            String model = body.getString("model", "loopback");
            String id = "chatcmpl-" + ids.incrementAndGet();
            if (answer.status != 200) {
                JsonObject error = Json.createObjectBuilder()
                        .add(
                                "error",
                                Json.createObjectBuilder()
                                        .add("message", answer.text)
                                        .add("type", answer.status == 429 ? "rate_limit_exceeded" : "server_error")
                                        .add("code", answer.status == 429 ? "rate_limit_exceeded" : "server_error"))
                        .build();
                send(exchange, answer.status, "application/json", error.toString());
            } else if (request.streamed()) {
                stream(exchange, answer, id, model);
            } else {
                send(
                        exchange,
                        200,
                        "application/json",
                        completion(answer, id, model).toString());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonObject completion(Answer answer, String id, String model) {
        JsonObjectBuilder message = Json.createObjectBuilder().add("role", "assistant");
        if (answer.text != null) {
            message.add("content", answer.text);
        } else {
            message.addNull("content");
        }
        if (answer.reasoning != null) {
            message.add("reasoning_content", answer.reasoning);
        }
        if (answer.toolName != null) {
            message.add(
                    "tool_calls",
                    Json.createArrayBuilder()
                            .add(Json.createObjectBuilder()
                                    .add("id", answer.toolCallId)
                                    .add("type", "function")
                                    .add(
                                            "function",
                                            Json.createObjectBuilder()
                                                    .add("name", answer.toolName)
                                                    .add("arguments", answer.arguments))));
        }
        return Json.createObjectBuilder()
                .add("id", id)
                .add("object", "chat.completion")
                .add("created", 1_700_000_000L)
                .add("model", model)
                .add(
                        "choices",
                        Json.createArrayBuilder()
                                .add(Json.createObjectBuilder()
                                        .add("index", 0)
                                        .add("message", message)
                                        .add("finish_reason", answer.finishReason())))
                .add("usage", usage(answer))
                .build();
    }

    private static JsonObjectBuilder usage(Answer answer) {
        return Json.createObjectBuilder()
                .add("prompt_tokens", answer.promptTokens)
                .add("completion_tokens", answer.completionTokens)
                .add("total_tokens", answer.promptTokens + answer.completionTokens);
    }

    private static void stream(HttpExchange exchange, Answer answer, String id, String model) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            chunk(
                    out,
                    id,
                    model,
                    Json.createObjectBuilder().add("role", "assistant").add("content", ""),
                    null);
            if (answer.reasoning != null) {
                for (String piece : pieces(answer.reasoning)) {
                    chunk(out, id, model, Json.createObjectBuilder().add("reasoning_content", piece), null);
                }
            }
            if (answer.text != null) {
                for (String piece : pieces(answer.text)) {
                    chunk(out, id, model, Json.createObjectBuilder().add("content", piece), null);
                }
            }
            if (answer.toolName != null) {
                chunk(
                        out,
                        id,
                        model,
                        Json.createObjectBuilder()
                                .add(
                                        "tool_calls",
                                        Json.createArrayBuilder()
                                                .add(Json.createObjectBuilder()
                                                        .add("index", 0)
                                                        .add("id", answer.toolCallId)
                                                        .add("type", "function")
                                                        .add(
                                                                "function",
                                                                Json.createObjectBuilder()
                                                                        .add("name", answer.toolName)
                                                                        .add("arguments", "")))),
                        null);
                String args = answer.arguments;
                int half = args.length() / 2;
                for (String piece : List.of(args.substring(0, half), args.substring(half))) {
                    chunk(
                            out,
                            id,
                            model,
                            Json.createObjectBuilder()
                                    .add(
                                            "tool_calls",
                                            Json.createArrayBuilder()
                                                    .add(Json.createObjectBuilder()
                                                            .add("index", 0)
                                                            .add(
                                                                    "function",
                                                                    Json.createObjectBuilder()
                                                                            .add("arguments", piece)))),
                            null);
                }
            }
            chunk(out, id, model, Json.createObjectBuilder(), answer.finishReason());
            JsonObject usageChunk = Json.createObjectBuilder()
                    .add("id", id)
                    .add("object", "chat.completion.chunk")
                    .add("created", 1_700_000_000L)
                    .add("model", model)
                    .add("choices", Json.createArrayBuilder())
                    .add("usage", usage(answer))
                    .build();
            write(out, "data: " + usageChunk + "\n\n");
            write(out, "data: [DONE]\n\n");
        }
    }

    private static void chunk(OutputStream out, String id, String model, JsonObjectBuilder delta, String finishReason)
            throws IOException {
        JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finishReason == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finishReason);
        }
        JsonArrayBuilder choices = Json.createArrayBuilder().add(choice);
        JsonObject chunk = Json.createObjectBuilder()
                .add("id", id)
                .add("object", "chat.completion.chunk")
                .add("created", 1_700_000_000L)
                .add("model", model)
                .add("choices", choices)
                .build();
        write(out, "data: " + chunk + "\n\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Splits text into words, keeping the spaces, as tokens would arrive. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                pieces.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    /** One answer of the server. Immutable. */
    public static final class Answer {
        final int status;
        final String text;
        final String reasoning;
        final String toolName;
        final String toolCallId;
        final String arguments;
        final int promptTokens;
        final int completionTokens;

        private Answer(
                int status,
                String text,
                String reasoning,
                String toolName,
                String toolCallId,
                String arguments,
                int promptTokens,
                int completionTokens) {
            this.status = status;
            this.text = text;
            this.reasoning = reasoning;
            this.toolName = toolName;
            this.toolCallId = toolCallId;
            this.arguments = arguments;
            this.promptTokens = promptTokens;
            this.completionTokens = completionTokens;
        }

        /** @param text the assistant's text @return a successful text answer */
        public static Answer text(String text) {
            return new Answer(200, Objects.requireNonNull(text), null, null, null, null, 10, 5);
        }

        /**
         * @param tool the tool's name
         * @param argumentsJson its arguments
         * @return a successful answer asking for one tool call, id {@code call_<tool>}
         */
        public static Answer toolCall(String tool, String argumentsJson) {
            return new Answer(200, null, null, tool, "call_" + tool, argumentsJson, 10, 5);
        }

        /** @param status an HTTP error status, such as 429 or 500 @return an error answer */
        public static Answer status(int status) {
            return status(status, status == 429 ? "Rate limit reached, retry later" : "The server had an error");
        }

        /**
         * @param status an HTTP error status
         * @param message the error's message
         * @return an error answer with an OpenAI error body
         */
        public static Answer status(int status, String message) {
            if (status < 400) {
                throw new IllegalArgumentException("an error status is 400 or more: " + status);
            }
            return new Answer(status, message, null, null, null, null, 0, 0);
        }

        /** @param reasoning reasoning sent before the text, as {@code reasoning_content} @return a copy with it */
        public Answer withReasoning(String reasoning) {
            return new Answer(status, text, reasoning, toolName, toolCallId, arguments, promptTokens, completionTokens);
        }

        /**
         * @param prompt prompt tokens to report
         * @param completion completion tokens to report
         * @return a copy with the usage
         */
        public Answer withUsage(int prompt, int completion) {
            return new Answer(status, text, reasoning, toolName, toolCallId, arguments, prompt, completion);
        }

        String finishReason() {
            return toolName != null ? "tool_calls" : "stop";
        }
    }
}
