package io.crux.sample.research;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.Block;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowResource;
import io.crux.ee.api.Item;
import io.crux.ee.api.ItemAudience;
import io.crux.ee.api.ResourceEntry;
import io.crux.ee.api.StepOptions;
import io.crux.ee.block.Consensus;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Router;
import io.crux.ee.block.Sequencer;
import io.crux.ee.langchain4j.Generator;

/**
 * A research assistant built from blocks. A question ending with a question mark is researched:
 * two planners (generators with structured output, one focused on the topics the question names, one
 * broader) vote on which library topics to read, a consensus block takes the majority (on a split
 * the focused planner, voting first, wins) and records the tally as the step {@code plan/tally}, a
 * handler reads the topics two at a time, and a streaming generator writes the answer from the notes, with the library as a tool for
 * anything the plan missed; its tool calls and their results, which are the model's by default, are
 * shown to the client ({@link ItemAudience}). Anything else gets a short streamed reply. The router's choice, the
 * planners' votes, the tally and every note are durable steps: a run recovered after a crash does not ask the model again
 * for what it already answered. Every note read is kept in the session's {@code sources} resource,
 * which clients see as the list of topics ({@code GET .../sessions/{id}/state}).
 *
 * <p>With no model configured it runs on a scripted stand-in that says so (see {@link ResearchModels}).
 * Over HTTP: {@code POST /crux-sample/api/flows/research/actions/ask {"text": "How do steps and retry work?"}}.
 */
@ApplicationScoped
@FlowDefinition("research")
@FlowResource(name = ResearchFlow.SOURCES, type = Note.class)
@ItemAudience(type = Item.Type.TOOL_CALL, audience = Item.Audience.CLIENT) // the page shows its tool calls
@ItemAudience(type = Item.Type.TOOL_OUTPUT, audience = Item.Audience.CLIENT)
public class ResearchFlow {

    /** The session's sources: every library note the assistant read in the session, by topic. */
    static final String SOURCES = "sources";

    @Inject
    Library library;

    @Inject
    ResearchModels models;

    @Action("ask")
    public Block<Inquiry, Report> ask() {
        String model = models.name();
        Block<Inquiry, Report> research = research(model);
        Block<Inquiry, Report> chat = chat(model);
        return Router.of(
                "route",
                List.of(research, chat),
                (inquiry, ctx) -> inquiry.text().trim().endsWith("?") ? research : chat);
    }

    private Block<Inquiry, Report> research(String model) {
        Consensus<Inquiry, Plan> plan = Consensus.<Inquiry, Plan>named("plan")
                .voters(
                        planner("focused", model, "Choose only the topics the question names."),
                        planner("broad", model, "Add a topic the answer needs beyond those the question names."))
                .key(p -> String.join(",", p.topics()))
                .rule(Consensus.Rule.majority())
                .onTie(Consensus.TieBreak.FIRST_VOTE);
        Handler<String, Note> read = Handler.of("read", (topic, ctx) -> {
            ctx.emit(Item.status("Reading the library's note on " + topic));
            Note note = library.note(topic);
            ctx.resource(SOURCES, Note.class).put(note.topic(), note); // the same entry if a retry writes again
            return note;
        });
        Handler<List<Note>, String> brief = Handler.of("brief", (notes, ctx) -> {
            Inquiry inquiry = (Inquiry) ctx.scope().input();
            return "Question: " + inquiry.text() + "\nNotes:\n"
                    + notes.stream()
                            .map(n -> "- " + n.topic() + ": " + n.text())
                            .collect(Collectors.joining("\n"));
        });
        Generator<String, String> write = Generator.named("write", String.class)
                .model(model)
                .system(ResearchModels.WRITER + " Call the lookup tool for a topic the notes miss. Be brief.")
                .prompt((briefing, ctx) -> briefing)
                .streaming()
                .tools(library)
                .maxToolRounds(3)
                .withOptions(retry());
        Handler<String, Report> report = Handler.of("report", (answer, ctx) -> {
            ctx.session().inc("questions", 1);
            List<String> topics = ctx.scope().results().values().stream()
                    .filter(Consensus.Tally.class::isInstance)
                    .map(Consensus.Tally.class::cast)
                    .findFirst()
                    .map(tally -> List.of(tally.decision().split(",")))
                    .orElse(List.of());
            return new Report(answer, topics, model);
        });
        return Sequencer.named("research", Inquiry.class)
                .then(plan)
                .map("notes", Plan::topics, 2, read)
                .then(brief)
                .then(write)
                .then(report)
                .build();
    }

    /** One of the two planners that vote on the topics: they differ in how widely they read. */
    private Generator<Inquiry, Plan> planner(String name, String model, String stance) {
        return Generator.named(name, Inquiry.class)
                .model(model)
                .system(ResearchModels.PLANNER + " Choose one to three topics among: "
                        + String.join(", ", library.topics()) + ". " + stance)
                .prompt((inquiry, ctx) -> inquiry.text())
                .output(Plan.class)
                .maxRepairs(1)
                .withOptions(retry());
    }

    private Block<Inquiry, Report> chat(String model) {
        Generator<Inquiry, String> reply = Generator.named("reply", Inquiry.class)
                .model(model)
                .system(ResearchModels.CHATTER)
                .prompt((inquiry, ctx) -> inquiry.text())
                .streaming()
                .withOptions(retry());
        return Sequencer.named("chat", Inquiry.class)
                .then(reply)
                .then(Handler.<String, Report>of("report", (answer, ctx) -> new Report(answer, List.of(), model)))
                .build();
    }

    /**
     * What the client sees of the session's sources: the topics read so far, not the notes.
     *
     * @param client the session's client data
     * @return the topics, in key order
     */
    @ClientData("sources")
    public List<String> sources(ClientData.Context client) {
        return client.resource(SOURCES, Note.class).list(null, 100).entries().stream()
                .map(ResourceEntry::key)
                .toList();
    }

    /** Model calls fail now and then (429, 5xx): three attempts, 0.5 s then 1 s apart, no thread held. */
    private static <T> StepOptions<T> retry() {
        return StepOptions.retry(3, Duration.ofMillis(500), Backoff.EXPONENTIAL);
    }
}
