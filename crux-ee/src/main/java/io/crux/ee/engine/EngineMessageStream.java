package io.crux.ee.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;

/** A message item written piece by piece; deltas go out live, the text is stored when done. */
final class EngineMessageStream implements MessageStream {

    private final RunOutbox outbox;
    private final String role;
    private final String id = UUID.randomUUID().toString();
    private final StringBuilder text = new StringBuilder();
    /** The audience its flow gives messages; only a client's message streams its deltas. */
    private final Item.Audience audience;

    private boolean finished;

    EngineMessageStream(RunOutbox outbox, String role) {
        this.outbox = outbox;
        this.role = role;
        this.audience = outbox.resolve(item(Item.Status.IN_PROGRESS, Item.Audience.BY_TYPE))
                .audience();
        outbox.publishItem(item(Item.Status.IN_PROGRESS), false);
    }

    @Override
    public String itemId() {
        return id;
    }

    @Override
    public void delta(String piece) {
        if (finished) {
            throw new IllegalStateException("message " + id + " is already done");
        }
        text.append(piece);
        if (audience != Item.Audience.CLIENT) {
            return; // stored when done, never streamed
        }
        outbox.liveEvent("content.delta", id, Map.of("itemId", id, "delta", piece));
    }

    @Override
    public String text() {
        return text.toString();
    }

    @Override
    public Item done() {
        return finish(Item.Status.COMPLETED);
    }

    @Override
    public void close() {
        if (!finished) {
            finish(Item.Status.INCOMPLETE);
        }
    }

    private Item finish(Item.Status status) {
        finished = true;
        Item item = item(status);
        outbox.publishItem(item, true);
        return item;
    }

    private Item item(Item.Status status) {
        return item(status, audience);
    }

    private Item item(Item.Status status, Item.Audience audience) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("role", role);
        content.put("text", text.toString());
        return new Item(id, Item.Type.MESSAGE, status, audience, content);
    }
}
