package io.crux.it.fault;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import io.crux.it.support.Deployments;

/** The WAR the fault tests deploy to their own servers: crux-ee, crux-ee-sse, the fault flow and the database probe. */
final class FaultWar {

    static final String NAME = "it-fault";
    static final String API = "/it-fault/api";
    static final String FLOWS = API + "/flows";
    static final String FAULT = API + "/fault";
    static final String ALICE = "alice:alice-password";
    static final int MAX_BODY = 20_000;

    private FaultWar() {}

    static WebArchive build() {
        return build(new Class<?>[0]);
    }

    /**
     * @param more further classes of a test's own (its flows and beans)
     * @return the WAR with them
     */
    static WebArchive build(Class<?>... more) {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.withConfig(
                Deployments.war(
                                NAME,
                                FaultApplication.class,
                                FaultResource.class,
                                FaultFlow.class,
                                Ledger.class,
                                Gates.class,
                                Steps.class,
                                Approval.class,
                                Connections.class,
                                Pause.class)
                        .addClasses(more)
                        .addAsLibrary(sse),
                "crux.http.max-body-bytes=" + MAX_BODY + "\ncrux.sse.heartbeat=PT1S\n");
    }
}
