package io.crux.ee.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

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
}
