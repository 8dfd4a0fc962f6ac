package io.crux.it.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StateChange;
import io.crux.it.support.Deployments;

/**
 * A long-lived managed task (as a flow body or a request stream is) reads what other threads
 * committed after its first read, not what that first read saw: state documents and request events.
 */
@ExtendWith(ArquillianExtension.class)
class FreshReadIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-fresh", FreshReadIT.class);
    }

    @Inject
    SessionStore store;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    @Test
    void aLongTaskSeesLaterCommitsOfOtherThreads() throws Exception {
        String key = UUID.randomUUID().toString();
        store.changeState("session", key, new StateChange.Patch(Map.of("n", 1)));

        List<Object> seen = executor.submit(() -> {
                    Object first = store.readState("session", key).get("n");
                    int eventsBefore = store.readEvents(key, 0, 10).size();
                    executor.submit(() -> {
                                store.changeState("session", key, new StateChange.Patch(Map.of("n", 2)));
                                store.append(
                                        List.of(),
                                        List.of(new EventRecord(
                                                key, 1, "request.created", "{}", java.time.Instant.now())));
                            })
                            .get();
                    return List.of(
                            first,
                            eventsBefore,
                            store.readState("session", key).get("n"),
                            store.readEvents(key, 0, 10).size());
                })
                .get();

        assertEquals(List.of(BigDecimal.ONE, 0, BigDecimal.valueOf(2), 1), seen);
    }
}
