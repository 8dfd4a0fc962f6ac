package io.crux.ee.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import io.crux.ee.spi.SessionRecord;

/** A session of a flow kind, owned by a user when the flow requires one. */
@Entity
@Table(name = "CRUX_SESSION", indexes = @Index(name = "CRUX_SESSION_OWNER", columnList = "KIND, USER_ID, CREATED_AT"))
public class SessionEntity extends TimestampedRow {

    @Id
    @Column(name = "ID", length = 128)
    String id;

    @Column(name = "KIND", length = 200, nullable = false)
    String kind;

    @Column(name = "USER_ID", length = 128)
    String userId;

    /** A new row for a session; one never updated yet was updated when it was created. */
    static SessionEntity from(SessionRecord session) {
        SessionEntity e = new SessionEntity();
        e.id = session.id();
        e.kind = session.kind();
        e.userId = session.userId();
        e.createdAt = session.createdAt();
        e.updatedAt = session.updatedAt() == null ? session.createdAt() : session.updatedAt();
        return e;
    }

    SessionRecord toRecord() {
        return new SessionRecord(id, kind, userId, createdAt, updatedAt);
    }
}
