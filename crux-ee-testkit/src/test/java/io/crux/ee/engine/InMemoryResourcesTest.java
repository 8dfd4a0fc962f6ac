package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.crux.ee.spi.ResourceRecord;
import io.crux.ee.spi.SessionRecord;

/** The in-memory store keeps each owner's entries apart, and deleting a session deletes its session resources only. */
class InMemoryResourcesTest {

    private final InMemorySessionStore store = new InMemorySessionStore();

    @Test
    void deletingASessionDeletesItsSessionEntriesAndNoOtherOwners() {
        store.createSession(new SessionRecord("s1", "notes", "alice", Instant.EPOCH, null));
        store.putResource("session", "s1", "notes", "a", "\"mine\"", null);
        store.putResource("session", "s2", "notes", "a", "\"another session's\"", null);
        store.putResource("user", "alice", "notes", "a", "\"alice's\"", null);
        store.putResource("project", "s1", "notes", "a", "\"a project named like the session\"", null);

        assertThat(store.listResources("session", "s1", "notes", null, 10))
                .extracting(ResourceRecord::json)
                .containsExactly("\"mine\"");
        assertThat(store.deleteSession("s1")).isTrue();

        assertThat(store.readResource("session", "s1", "notes", "a")).isEmpty();
        assertThat(store.readResource("session", "s2", "notes", "a")).isPresent();
        assertThat(store.readResource("user", "alice", "notes", "a")).isPresent();
        assertThat(store.readResource("project", "s1", "notes", "a")).isPresent();
    }
}
