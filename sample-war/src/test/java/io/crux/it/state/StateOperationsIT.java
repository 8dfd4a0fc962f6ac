package io.crux.it.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StateChange;
import io.crux.it.support.Deployments;

/**
 * The named state changes give the same results and documents as their reference meaning
 * ({@link StateChange#applyTo}) on the server's database: one statement each on PostgreSQL, the
 * lock-and-rewrite path on H2; they mix with {@code updateState} (the path of {@code atomic}), and
 * join a caller's transaction.
 */
@ExtendWith(ArquillianExtension.class)
class StateOperationsIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-state-ops", StateOperationsIT.class);
    }

    @Inject
    SessionStore store;

    @Inject
    UserTransaction tx;

    @Test
    void namedChangesMatchTheirReferenceMeaning() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> expected = new HashMap<>();

        assertEquals(3L, apply(key, expected, new StateChange.Increment("n", 3)), "inc creates the document");
        assertEquals(1, apply(key, expected, new StateChange.Append("log", Map.of("at", 1))));
        assertEquals(
                2, apply(key, expected, new StateChange.Append("log", List.of("a", "b"))), "a list is one element");
        Map<String, Object> patch = new HashMap<>();
        patch.put("name", "crux");
        patch.put("gone", null);
        apply(key, expected, new StateChange.Patch(patch));
        apply(key, expected, new StateChange.Patch(Map.of("gone", true, "half", new BigDecimal("2.5"))));
        assertEquals(
                -2L, apply(key, expected, new StateChange.Increment("half", -4)), "a decimal counts by its whole part");
        assertTrue(apply(key, expected, new StateChange.Remove("gone")));
        assertFalse(apply(key, expected, new StateChange.Remove("gone")));
        long atomic = store.updateState("session", key, doc -> {
            long next = ((Number) doc.get("n")).longValue() * 10;
            doc.put("n", next);
            return next;
        });
        expected.put("n", atomic);
        assertEquals(31L, apply(key, expected, new StateChange.Increment("n", 1)));

        IllegalStateException notANumber = assertThrows(
                IllegalStateException.class,
                () -> store.changeState("session", key, new StateChange.Increment("name", 1)));
        assertTrue(
                notANumber.getMessage().contains("'name' in the session state is not a number"),
                notANumber.getMessage());
        assertThrows(
                IllegalStateException.class, () -> store.changeState("session", key, new StateChange.Append("n", 1)));

        assertEquals(normalized(expected), normalized(store.readState("session", key)));
    }

    @Test
    void namedChangesJoinTheCallersTransaction() throws Exception {
        String key = UUID.randomUUID().toString();
        store.changeState("session", key, new StateChange.Increment("n", 1));

        tx.begin();
        assertEquals(3L, store.changeState("session", key, new StateChange.Increment("n", 2)));
        assertEquals(1, store.changeState("session", key, new StateChange.Append("log", "x")));
        tx.rollback();
        assertEquals(
                normalized(Map.of("n", 1)), normalized(store.readState("session", key)), "rolled back with the caller");

        tx.begin();
        assertEquals(3L, store.changeState("session", key, new StateChange.Increment("n", 2)));
        assertThrows(
                IllegalStateException.class, () -> store.changeState("session", key, new StateChange.Append("n", 1)));
        tx.commit();
        assertEquals(
                normalized(Map.of("n", 3)), normalized(store.readState("session", key)), "committed with the caller");
    }

    /** Applies the change to the stored document and to the expected one; both results must agree. */
    private <T> T apply(String key, Map<String, Object> expected, StateChange<T> change) {
        T reference = change.applyTo("session", expected);
        T stored = store.changeState("session", key, change);
        assertEquals(reference, stored, "result of " + change);
        assertEquals(normalized(expected), normalized(store.readState("session", key)), "document after " + change);
        return stored;
    }

    /** The document as JSON types, as it comes back from the store. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> normalized(Map<String, Object> doc) {
        jakarta.json.bind.Jsonb jsonb = jakarta.json.bind.JsonbBuilder.create();
        return jsonb.fromJson(jsonb.toJson(doc), Map.class);
    }
}
