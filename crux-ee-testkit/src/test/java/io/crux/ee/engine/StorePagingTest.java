package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;

/** The stores page runs and items newest first: runs by creation then id, items by first appearance. */
class StorePagingTest {

    private static final Instant T = Instant.parse("2026-12-04T10:00:00Z");

    private static RunRecord run(String id, String flow, String user, FlowStatus status, int second) {
        return new RunRecord(
                id,
                flow,
                "run",
                status,
                null,
                null,
                user,
                null,
                false,
                Payload.NULL,
                null,
                null,
                null,
                null,
                null,
                T.plusSeconds(second),
                T.plusSeconds(second),
                0);
    }

    @Test
    void runsArePagedNewestFirstWithTheIdAsTiebreakAndFiltered() {
        InMemoryFlowStore store = new InMemoryFlowStore();
        store.createRun(run("a", "f", "ann", FlowStatus.SUSPENDED, 1));
        store.createRun(run("b", "f", "bob", FlowStatus.SUSPENDED, 2));
        store.createRun(run("c", "f", "ann", FlowStatus.COMPLETED, 3));
        store.createRun(run("d", "f", "ann", FlowStatus.SUSPENDED, 3));
        store.createRun(run("e", "g", "ann", FlowStatus.SUSPENDED, 4));
        store.createRun(run("f", "f", null, FlowStatus.SUSPENDED, 5));

        assertThat(ids(store.findRuns(new RunQuery(Set.of("f"), null, "ann", 0, 2))))
                .containsExactly("d", "c");
        assertThat(ids(store.findRuns(new RunQuery(Set.of("f"), null, "ann", 2, 2))))
                .containsExactly("a");
        assertThat(ids(store.findRuns(new RunQuery(Set.of("f", "g"), FlowStatus.SUSPENDED, null, 0, 10))))
                .containsExactly("f", "e", "d", "b", "a");
        assertThat(store.findRuns(new RunQuery(Set.of(), null, null, 0, 10))).isEmpty();
    }

    @Test
    void itemsArePagedNewestFirstByFirstAppearanceWithTheirLastContent() {
        InMemorySessionStore store = new InMemorySessionStore();
        Item a = Item.status("a");
        Item b = Item.status("b");
        Item c = Item.status("c");
        store.append(List.of(item(a), item(b), item(c)), List.of());
        store.append(List.of(item(b.withContent(Map.of("text", "b changed")))), List.of());

        assertThat(texts(store.pageItems("s", null, 2))).containsExactly("c", "b changed");
        assertThat(texts(store.pageItems("s", b.id(), 2))).containsExactly("a");
        assertThat(texts(store.pageItems("s", a.id(), 2))).isEmpty();
        assertThat(texts(store.pageItems("s", "not an item", 2))).isEmpty();
    }

    private static ItemRecord item(Item item) {
        return new ItemRecord(item, "s", "r", T, T);
    }

    private static List<String> ids(List<RunRecord> runs) {
        return runs.stream().map(RunRecord::flowId).toList();
    }

    private static List<Object> texts(List<ItemRecord> items) {
        return items.stream().map(r -> r.item().content().get("text")).toList();
    }
}
