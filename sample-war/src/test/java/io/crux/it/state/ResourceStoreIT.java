package io.crux.it.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.api.exception.ResourceConflictException;
import io.crux.ee.spi.ResourceRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.it.support.Deployments;

/**
 * Resource entries on the server's database (CRUX_RESOURCE, H2 or PostgreSQL): versions, conditional
 * writes, pages in the keys' binary order, deletion, a caller's transaction, and a session's
 * entries deleted with the session.
 */
@ExtendWith(ArquillianExtension.class)
class ResourceStoreIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-resource-store", ResourceStoreIT.class);
    }

    @Inject
    SessionStore store;

    @Inject
    UserTransaction tx;

    @Test
    void writesAreVersionedAndConditionalWritesOfAnotherVersionAreRefused() {
        String owner = UUID.randomUUID().toString();
        ResourceRecord first = store.putResource("session", owner, "notes", "n1", "{\"title\":\"a\"}", null);
        ResourceRecord second = store.putResource("session", owner, "notes", "n1", "{\"title\":\"b\"}", null);
        assertEquals(first.version() + 1, second.version());
        ResourceRecord third =
                store.putResource("session", owner, "notes", "n1", "{\"title\":\"c\"}", second.version());
        assertEquals(second.version() + 1, third.version());

        ResourceConflictException stale = assertThrows(
                ResourceConflictException.class,
                () -> store.putResource("session", owner, "notes", "n1", "{\"title\":\"x\"}", second.version()));
        assertTrue(stale.getMessage().startsWith("CRUX0242E"), stale.getMessage());
        assertEquals(third.version(), stale.actualVersion());
        ResourceConflictException taken = assertThrows(
                ResourceConflictException.class,
                () -> store.putResource("session", owner, "notes", "n1", "{\"title\":\"y\"}", -1L));
        assertEquals(third.version(), taken.actualVersion());
        ResourceConflictException absent = assertThrows(
                ResourceConflictException.class,
                () -> store.putResource("session", owner, "notes", "n2", "{\"title\":\"z\"}", 1L));
        assertEquals(-1, absent.actualVersion());

        assertEquals(
                "{\"title\":\"c\"}",
                store.readResource("session", owner, "notes", "n1")
                        .orElseThrow()
                        .json(),
                "the refused writes wrote nothing");
        assertTrue(store.readResource("session", owner, "notes", "n2").isEmpty());
        assertEquals(
                first.version(),
                store.putResource("session", owner, "notes", "n2", "{}", -1L).version(),
                "a created entry starts at the first version");
    }

    @Test
    void pagesFollowTheKeysBinaryOrder() {
        String owner = UUID.randomUUID().toString();
        for (String key : List.of("b", "Z", "a", "é", "B", "10", "9")) {
            store.putResource("project", owner, "glossary", key, "\"" + key + "\"", null);
        }
        store.putResource("project", owner, "other", "0", "\"another resource\"", null);
        store.putResource("project", owner + "-x", "glossary", "0", "\"another owner\"", null);

        assertEquals(List.of("10", "9", "B"), keys(store.listResources("project", owner, "glossary", null, 3)));
        assertEquals(List.of("Z", "a", "b"), keys(store.listResources("project", owner, "glossary", "B", 3)));
        assertEquals(List.of("é"), keys(store.listResources("project", owner, "glossary", "b", 3)));

        assertTrue(store.deleteResource("project", owner, "glossary", "Z"));
        assertFalse(store.deleteResource("project", owner, "glossary", "Z"));
        assertEquals(List.of("B", "a"), keys(store.listResources("project", owner, "glossary", "9", 2)));
    }

    @Test
    void writesJoinTheCallersTransaction() throws Exception {
        String owner = UUID.randomUUID().toString();
        tx.begin();
        store.putResource("user", owner, "bookmarks", "home", "\"rolled back\"", null);
        tx.rollback();
        assertTrue(store.readResource("user", owner, "bookmarks", "home").isEmpty());

        tx.begin();
        store.putResource("user", owner, "bookmarks", "home", "\"kept\"", null);
        tx.commit();
        assertEquals(
                "\"kept\"",
                store.readResource("user", owner, "bookmarks", "home")
                        .orElseThrow()
                        .json());
    }

    @Test
    void deletingASessionDeletesItsSessionEntriesOnly() {
        String session = UUID.randomUUID().toString();
        store.createSession(new SessionRecord(session, "it-notes", "alice", Instant.now(), null));
        store.putResource("session", session, "notes", "n1", "\"mine\"", null);
        store.putResource("session", session, "sources", "s1", "\"mine too\"", null);
        store.putResource("user", session, "notes", "n1", "\"a user named like the session\"", null);

        assertTrue(store.deleteSession(session));

        assertTrue(store.listResources("session", session, "notes", null, 10).isEmpty());
        assertTrue(store.listResources("session", session, "sources", null, 10).isEmpty());
        assertTrue(store.readResource("user", session, "notes", "n1").isPresent());
    }

    private static List<String> keys(List<ResourceRecord> rows) {
        return rows.stream().map(ResourceRecord::key).toList();
    }
}
