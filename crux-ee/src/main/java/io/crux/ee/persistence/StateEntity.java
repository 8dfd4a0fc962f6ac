package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One state document: a session's, a user's or a project's, as JSON. */
@Entity
@Table(name = "CRUX_STATE")
public class StateEntity extends VersionedRow {

    @Id
    @Column(name = "ID", length = 160)
    String id;

    @Column(name = "SCOPE", length = 16, nullable = false)
    String scope;

    @Column(name = "SCOPE_KEY", length = 128, nullable = false)
    String scopeKey;

    @Column(name = "DOC", nullable = false)
    String doc;

    @Convert(converter = InstantConverter.class)
    @Column(name = "UPDATED_AT", nullable = false)
    Instant updatedAt;

    /** A new document of a scope's key. */
    static StateEntity of(String scope, String scopeKey, String doc) {
        StateEntity e = new StateEntity();
        e.id = key(scope, scopeKey);
        e.scope = scope;
        e.scopeKey = scopeKey;
        e.write(doc);
        return e;
    }

    /** Replaces the document, updated now. */
    void write(String doc) {
        this.doc = doc;
        this.updatedAt = Instant.now();
    }

    static String key(String scope, String scopeKey) {
        return scope + ":" + scopeKey;
    }
}
