package io.crux.sample.research;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;

import io.crux.ee.langchain4j.ScriptedModel;
import io.crux.ee.langchain4j.ScriptedModel.Reply;

/**
 * Chooses the research assistant's model. When {@code crux.models.research.base-url} is set, the
 * assistant uses the model {@code research}, which crux-ee builds from the {@code crux.models.research.*}
 * keys (any OpenAI-compatible server). Otherwise it uses the model {@code scripted}: crux-ee's
 * {@link ScriptedModel}, answering from rules below, which says in every answer that it is not a
 * language model.
 */
@ApplicationScoped
public class ResearchModels {

    /** The name of the configured model. */
    public static final String CONFIGURED = "research";

    /** The name of the built-in scripted model. */
    public static final String SCRIPTED = "scripted";

    static final String PLANNER = "You plan the research of a question about crux-ee.";
    static final String WRITER = "You answer a question about crux-ee from research notes.";
    static final String CHATTER = "You are the friendly research assistant of crux-ee.";

    private static final Logger LOG = Logger.getLogger(ResearchModels.class.getName());
    private static final String DISCLAIMER = "[scripted model: crux-ee's built-in stand-in, not a language model."
            + " Set crux.models.research.base-url and crux.models.research.model-name to use a real one.] ";

    @Inject
    Config config;

    @Inject
    Library library;

    private volatile String name;

    /** @return the name of the model the assistant's generators call */
    public String name() {
        String n = name;
        if (n == null) {
            n = config.getOptionalValue("crux.models." + CONFIGURED + ".base-url", String.class)
                            .isPresent()
                    ? CONFIGURED
                    : SCRIPTED;
            LOG.info(
                    n.equals(SCRIPTED)
                            ? "The research sample runs on the built-in scripted model (no crux.models.research.base-url set)."
                            : "The research sample runs on the configured model '" + CONFIGURED + "'.");
            name = n;
        }
        return n;
    }

    /**
     * The scripted stand-in: it plans from the library's topics named in the question, asks the
     * library tool once for a topic it was not given, and writes its answer from the notes it read.
     *
     * @return the model, for blocking and streaming generators
     */
    @Produces
    @Singleton
    @Named(SCRIPTED)
    ScriptedModel scripted() {
        return scripted(library);
    }

    /**
     * @param library the library the scripted answers come from
     * @return a new scripted stand-in, as the server uses (also for unit tests of the flow)
     */
    public static ScriptedModel scripted(Library library) {
        ScriptedModel model = ScriptedModel.named(SCRIPTED);
        model.when(ScriptedModel.systemMessageContains(PLANNER))
                .replyWith(request -> Reply.json(plan(library, lastUserText(request))));
        model.when(ScriptedModel.systemMessageContains(WRITER).and(ScriptedModel.afterToolResult()))
                .replyWith(request -> Reply.text(DISCLAIMER + answer(request)));
        model.when(ScriptedModel.systemMessageContains(WRITER))
                .replyWith(request ->
                        Reply.toolCall("lookup", "{\"topic\":\"" + extraTopic(library, lastUserText(request)) + "\"}"));
        model.when(ScriptedModel.systemMessageContains(CHATTER))
                .replyWith(request -> Reply.text(DISCLAIMER + "Ask me a question about crux-ee, ending with a question"
                        + " mark, and I will research it in the library: " + String.join(", ", library.topics())
                        + "."));
        return model;
    }

    /** The topics of the library that the question names, or the first two when it names none. */
    private static String plan(Library library, String question) {
        String q = question.toLowerCase(Locale.ROOT);
        List<String> topics = new ArrayList<>(
                library.topics().stream().filter(q::contains).limit(3).toList());
        if (topics.isEmpty()) {
            topics.addAll(library.topics().stream().limit(2).toList());
        }
        return "{\"topics\":["
                + String.join(",", topics.stream().map(t -> "\"" + t + "\"").toList()) + "]}";
    }

    /** A topic of the library that the writer's notes do not cover yet. */
    private static String extraTopic(Library library, String prompt) {
        return library.topics().stream()
                .filter(t -> !prompt.contains("- " + t + ":"))
                .findFirst()
                .orElse("steps");
    }

    private static final Pattern NOTE = Pattern.compile("^- ([a-z]+): (.*)$", Pattern.MULTILINE);

    private static String answer(ChatRequest request) {
        StringBuilder text = new StringBuilder("From the notes: ");
        Matcher m = NOTE.matcher(lastUserText(request));
        while (m.find()) {
            text.append(m.group(2)).append(' ');
        }
        for (ChatMessage message : request.messages()) {
            if (message instanceof ToolExecutionResultMessage result) {
                text.append("I also looked up ")
                        .append(result.toolName())
                        .append(": ")
                        .append(result.text());
            }
        }
        return text.toString().trim();
    }

    private static String lastUserText(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user && user.hasSingleText()) {
                return user.singleText();
            }
        }
        return "";
    }
}
