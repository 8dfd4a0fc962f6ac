package io.crux.ee.bench.server;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.crux.ee.spi.FlowStore;

/**
 * Work-around for crux-ee on an empty PostgreSQL schema (reported, see BENCHMARKS.md): EclipseLink
 * deploys the {@code crux} persistence unit, and runs its {@code create-or-extend-tables} DDL, on the
 * first use of an EntityManager. crux-ee's first use is the lease renewal that starts with the
 * application, inside a JTA transaction; EclipseLink's probe of the missing table fails there, which
 * aborts the PostgreSQL transaction, so every {@code CREATE TABLE} after it fails too and the tables
 * are never created. This observer runs before crux-ee's own start-up observer and makes the first
 * use a read outside any transaction, where each DDL statement commits on its own.
 */
@ApplicationScoped
public class SchemaBootstrap {

    @Inject
    FlowStore store;

    void deployPersistenceUnit(@Observes @Priority(1) @Initialized(ApplicationScoped.class) Object event) {
        store.findRun("crux-bench-schema-bootstrap");
    }
}
