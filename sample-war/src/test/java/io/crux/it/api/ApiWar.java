package io.crux.it.api;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import io.crux.it.support.Deployments;
import io.crux.it.support.RunningServer;

/** The WAR behind the HTTP API tests: crux-ee, crux-ee-sse and the counter flow. */
final class ApiWar {

    static final String NAME = "it-api";
    static final String FLOWS = "/it-api/api/flows";
    static final int MAX_BODY = 10_000;

    /** The name of {@link #sharedServer()}, for the classes' {@code @SharedServer}. */
    static final String SHARED = "cruxApi";

    /**
     * The server of the API tests that need nothing of their own (no configuration, environment or
     * server life of their own): it runs {@link #build()}, and the classes that declare it (annotated
     * {@code @SharedServer(ApiWar.SHARED)}) share it.
     */
    static RunningServer sharedServer() {
        return RunningServer.shared(SHARED, FLOWS, s -> s.deploy(build()));
    }

    private ApiWar() {}

    static WebArchive build() {
        return build(NAME);
    }

    /** @param name the WAR's name, which is its context root */
    static WebArchive build(String name) {
        return build(name, "");
    }

    /**
     * @param name the WAR's name, which is its context root
     * @param config more MicroProfile Config properties, one per line
     */
    static WebArchive build(String name, String config) {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.withConfig(
                Deployments.war(
                                name,
                                ApiApplication.class,
                                CounterFlow.class,
                                Chat.class,
                                Wait.class,
                                Strict.class,
                                OpenFlow.class)
                        .addAsLibrary(sse),
                "crux.http.max-body-bytes=" + MAX_BODY + "\ncrux.sse.heartbeat=PT1S\n" + config);
    }
}
