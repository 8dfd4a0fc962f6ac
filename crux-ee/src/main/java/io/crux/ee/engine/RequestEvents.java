package io.crux.ee.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.crux.ee.api.Item;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;

/**
 * The outbox of one executing run: numbers its request events, and stores events and items before
 * anyone sees them. Inside a step it gathers them and writes them in one transaction when the
 * step ends ({@link #flush()}); outside a step it writes each at once. Only the node that holds
 * the run writes, so the counter lives here, continued from the stored log when the run resumes.
 *
 * <p>Events get their numbers when they are written, not when they are emitted, and a run's
 * writes commit one after the other ({@link #inOrder}): the numbers are given and the transaction
 * ends under one lock. Parallel branches whose steps end together therefore cannot commit 9–10
 * before 5–8, and the stored log of a request never has a hole that a later commit fills, which is
 * what lets a stream send an unbroken run of numbers without waiting. A write that did not commit
 * gives its numbers back, so the next write takes them. The writes it makes on its own go through a
 * {@link Fence} that checks that this node still holds the run.
 */
final class RequestEvents {

    /** Does writes in one transaction that checks that this node still holds the run. */
    interface Fence {
        <T> T hold(Supplier<T> writes);

        /** For a caller that writes in a transaction of its own that checks what it must. */
        Fence NONE = new Fence() {
            @Override
            public <T> T hold(Supplier<T> writes) {
                return writes.get();
            }
        };
    }

    private final EngineServices services;
    private final String requestId;
    private final boolean events;
    /** Whether items are stored with the session; not when the session lives for one request. */
    private final boolean storesItems;

    private final Fence fence;
    /** The last number given to a written event. */
    private long seq;
    /** {@link #seq} when the transaction that runs in {@link #inOrder} now began. */
    private long base;
    /** Steps that gather now; block branches run steps at the same time. */
    private int gathering;

    private final List<ItemRecord> items = new ArrayList<>();
    private final List<Draft> pending = new ArrayList<>();
    /** The number of each in-progress item's {@code item.added}: its deltas belong after it. */
    private final Map<String, Long> added = new HashMap<>();
    /** Held from the moment events get their numbers until their transaction has ended. */
    private final ReentrantLock commits = new ReentrantLock();
    /** The request id as a JSON string. */
    private final String quotedRequestId;
    /** Event types as JSON strings; there are a handful. */
    private static final Map<String, String> TYPES = new ConcurrentHashMap<>();

    /**
     * An event before it has a number.
     *
     * @param fields its own members as encoded JSON ({@code {...}}), or {@code null} for none
     * @param itemJson the encoded item it carries, or {@code null}
     * @param itemId the id of that item, or {@code null}
     */
    private record Draft(String type, String fields, String itemJson, String itemId, Instant at) {}

    /**
     * For writes in the caller's transaction only ({@link #gather()}, then {@link #write()}).
     *
     * @param events whether the run records request events (otherwise only items are stored)
     */
    RequestEvents(EngineServices services, String requestId, long lastSeq, boolean events) {
        this(services, requestId, lastSeq, events, Fence.NONE);
    }

    /**
     * @param events whether the run records request events (otherwise only items are stored)
     * @param fence where the writes this outbox makes on its own go through
     */
    RequestEvents(EngineServices services, String requestId, long lastSeq, boolean events, Fence fence) {
        this(services, requestId, lastSeq, events, true, fence);
    }

    /**
     * @param events whether the run records request events
     * @param storesItems whether items are stored with the session (their events are stored either way)
     * @param fence where the writes this outbox makes on its own go through
     */
    RequestEvents(
            EngineServices services, String requestId, long lastSeq, boolean events, boolean storesItems, Fence fence) {
        this.services = services;
        this.requestId = requestId;
        this.events = events;
        this.storesItems = storesItems;
        this.fence = fence;
        this.seq = lastSeq;
        this.quotedRequestId = services.codec().encode(requestId).json();
    }

    /** From now on, gather until the matching {@link #flush()}. */
    synchronized void gather() {
        gathering++;
    }

    /** Ends one gathering: writes what was gathered in one transaction, then publishes the events. */
    void flush() {
        boolean[] wrote = {false};
        List<EventRecord> written;
        try {
            written = inOrder(() -> fence.hold(() -> {
                wrote[0] = true;
                return write();
            }));
        } catch (RuntimeException refused) {
            if (!wrote[0]) {
                endGathering(); // what was gathered goes out with the next write, if the run may write again
            }
            throw refused;
        }
        publish(written);
    }

    private synchronized void endGathering() {
        gathering = Math.max(0, gathering - 1);
    }

    /**
     * Ends one gathering and writes what was gathered, in the caller's transaction if there is one;
     * the events must be {@linkplain #publish published} once that transaction has committed. When
     * steps of several branches gather at once, each write takes everything gathered so far, in
     * sequence order. The caller's transaction runs in {@link #inOrder}.
     *
     * @return the events written
     */
    synchronized List<EventRecord> write() {
        gathering = Math.max(0, gathering - 1);
        if (commits.isHeldByCurrentThread()) {
            seq = base; // a transaction tried again (a version conflict) numbers its events afresh
        }
        return write(takePending());
    }

    /**
     * Runs a transaction that writes events of this run: numbers are given only inside it, and the
     * next one waits until it has ended, so that the run's events commit in number order. When it
     * fails, the numbers it took go back to the counter, read again from the log (a commit whose
     * outcome is unknown may have stored them); when even that read fails they stay taken, and a
     * stream bridges the hole after a bounded wait.
     */
    <T> T inOrder(Supplier<T> transaction) {
        commits.lock();
        try {
            synchronized (this) {
                base = seq;
            }
            return transaction.get();
        } catch (RuntimeException | Error e) {
            recount();
            throw e;
        } finally {
            commits.unlock();
        }
    }

    private void recount() {
        long stored;
        try {
            stored = services.sessions().lastSeq(requestId);
        } catch (RuntimeException unreadable) {
            return;
        }
        synchronized (this) {
            seq = stored;
        }
    }

    /** Writes what is gathered now, without ending a gathering, in a transaction of its own; then publishes it. */
    private void writeGathered() {
        publish(inOrder(() -> fence.hold(() -> {
            synchronized (this) {
                return write(takePending());
            }
        })));
    }

    /**
     * The items and events of one gathering, taken out of the outbox to be written. The events get
     * their numbers at the first write, so a write that is tried again writes the same numbers.
     */
    static final class Gathered {
        private final List<ItemRecord> items;
        private final List<Draft> drafts;
        private List<EventRecord> numbered;

        private Gathered(List<ItemRecord> items, List<Draft> drafts) {
            this.items = items;
            this.drafts = drafts;
        }
    }

    /**
     * Ends one gathering and takes what was gathered, for {@link #write(Gathered)}: unlike
     * {@link #write()}, the taking happens once, so that a write that is tried again writes the same.
     */
    synchronized Gathered take() {
        gathering = Math.max(0, gathering - 1);
        return takePending();
    }

    /** @return whether this run records no events and no item waits to be written */
    synchronized boolean quiet() {
        return !events && items.isEmpty() && pending.isEmpty();
    }

    /** Puts what was taken and never written back in front of what was gathered since. */
    private synchronized void giveBack(Gathered taken) {
        items.addAll(0, taken.items);
        pending.addAll(0, taken.drafts);
    }

    private Gathered takePending() {
        Gathered taken = new Gathered(List.copyOf(items), List.copyOf(pending));
        items.clear();
        pending.clear();
        return taken;
    }

    /**
     * What one step's checkpoint write takes from the outbox: taken at its first try, so that a write
     * tried again after a passing failure writes the same items and events, with the same numbers.
     */
    final class StepWrite {
        private Gathered taken;
        private boolean tried;

        /** Takes what is gathered (at the first call) and writes it in the caller's transaction. */
        List<EventRecord> write() {
            if (taken == null) {
                taken = take();
            }
            tried = true;
            return RequestEvents.this.write(taken);
        }

        /** @return whether {@link #write()} ran: what it took may be lost with a failed transaction */
        boolean tried() {
            return tried;
        }

        /**
         * Writes what was taken, in a transaction of its own, when no write of it was tried (the
         * checkpoint's transaction failed before it); then publishes it. Refused before it was
         * written (the run is no longer held), it goes back to the outbox, for the next write if
         * the run may write again.
         */
        void writeUntried() {
            if (taken == null || tried || (taken.items.isEmpty() && taken.drafts.isEmpty())) {
                return;
            }
            List<EventRecord> written;
            try {
                written = inOrder(() -> fence.hold(() -> RequestEvents.this.write(taken)));
            } catch (RuntimeException refused) {
                giveBackUntried();
                throw refused;
            }
            publish(written);
        }

        /** Puts what was taken back in the outbox, unless a write of it has numbered it. */
        void giveBackUntried() {
            if (taken != null && taken.numbered == null) {
                giveBack(taken);
            }
        }

        /**
         * Takes what is gathered (at the first call), as {@link #write()} would.
         *
         * @return whether that is nothing: the step's checkpoint then goes alone
         */
        boolean takesNothing() {
            if (taken == null) {
                taken = take();
            }
            return taken.items.isEmpty() && taken.drafts.isEmpty();
        }

        /** @return what the write wrote, for a write found committed after its answer was lost */
        List<EventRecord> written() {
            return RequestEvents.this.written(taken);
        }

        /** @return whether the gathered events were taken, which ended the step's gathering */
        boolean took() {
            return taken != null;
        }
    }

    /** @return the outbox's part of one step's checkpoint write */
    StepWrite stepWrite() {
        return new StepWrite();
    }

    /**
     * Writes what {@link #take()} took, in the caller's transaction, which runs in {@link #inOrder}.
     *
     * @return the events written, to be {@linkplain #publish published} once that transaction has committed
     */
    synchronized List<EventRecord> write(Gathered taken) {
        if (taken.numbered == null) {
            List<EventRecord> numbered = new ArrayList<>(taken.drafts.size());
            for (Draft d : taken.drafts) {
                numbered.add(build(d, ++seq));
                if ("item.added".equals(d.type())) {
                    added.put(d.itemId(), seq);
                }
            }
            taken.numbered = numbered;
        }
        if (!taken.items.isEmpty() || !taken.numbered.isEmpty()) {
            services.sessions().append(taken.items, taken.numbered);
        }
        return taken.numbered;
    }

    /** @return the events {@link #write(Gathered)} numbered and wrote for {@code taken}; none if it never wrote */
    synchronized List<EventRecord> written(Gathered taken) {
        return taken == null || taken.numbered == null ? List.of() : taken.numbered;
    }

    /**
     * Hands written events to the streams of this server once they are committed: at once after a
     * transaction of the store's own, at the commit of a caller's transaction that the write
     * joined, never if that rolls back.
     */
    void publish(List<EventRecord> written) {
        if (!written.isEmpty()) {
            services.store().afterCommit(() -> written.forEach(services.bus()::publish));
        }
    }

    /** Stores (now or at the step's end) and publishes a request event; nothing when the run has no stream. */
    void append(String type, Map<String, ?> fields) {
        if (events) {
            add(null, draft(type, fields, null, null));
        }
    }

    /**
     * Stores an item, and the event that carries it unless {@code eventType} is {@code null}, now
     * or at the step's end. The item is encoded once, for its row and its event.
     */
    void item(Item item, String sessionId, String eventType) {
        Instant now = services.clock().instant();
        String json = services.codec().encode(item).json();
        services.limits().checkItem(requestId, item.id(), json);
        ItemRecord record = storesItems ? new ItemRecord(item, sessionId, requestId, now, now, json) : null;
        add(record, events && eventType != null ? new Draft(eventType, null, json, item.id(), now) : null);
    }

    /**
     * Outside a step, writes at once. Inside one, gathers; except that an item starting in progress
     * is written at once with everything gathered before it, so that its {@code item.added} reaches
     * the streams before the deltas that follow it.
     */
    private void add(ItemRecord item, Draft event) {
        boolean now;
        synchronized (this) {
            if (item != null) {
                items.add(item);
            }
            if (event != null) {
                pending.add(event);
                if ("item.done".equals(event.type())) {
                    added.remove(event.itemId());
                }
            }
            now = gathering == 0 || event != null && "item.added".equals(event.type());
        }
        if (now) {
            writeGathered();
        }
    }

    /**
     * Publishes an event that is not stored ({@code content.delta}): it carries the number of its
     * item's {@code item.added}, after which it belongs, or the last number given when the item
     * was not announced.
     */
    synchronized void live(String type, String itemId, Map<String, ?> fields) {
        if (events) {
            Long after = itemId == null ? null : added.get(itemId);
            services.bus().publish(build(draft(type, fields, null, itemId), after == null ? seq : after));
        }
    }

    private Draft draft(String type, Map<String, ?> fields, String itemJson, String itemId) {
        return new Draft(
                type,
                fields.isEmpty() ? null : services.codec().encode(fields).json(),
                itemJson,
                itemId,
                services.clock().instant());
    }

    /**
     * The envelope {@code {"type","requestId","seq","ts",...fields,"item"}} as JSON, written around
     * what is already encoded: the fields, the item, and the request id and type as JSON strings.
     */
    private EventRecord build(Draft d, long number) {
        String itemJson = d.itemJson();
        StringBuilder json = new StringBuilder(160 + (itemJson == null ? 0 : itemJson.length()));
        json.append("{\"type\":")
                .append(TYPES.computeIfAbsent(
                        d.type(), t -> services.codec().encode(t).json()))
                .append(",\"requestId\":")
                .append(quotedRequestId)
                .append(",\"seq\":")
                .append(number)
                .append(",\"ts\":\"")
                .append(d.at())
                .append('"');
        if (d.fields() != null) { // {...}: its members follow ours
            json.append(',').append(d.fields(), 1, d.fields().length() - 1);
        }
        if (itemJson != null) {
            json.append(",\"item\":").append(itemJson);
        }
        return new EventRecord(requestId, number, d.type(), json.append('}').toString(), d.at());
    }
}
