package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A session of a flow kind, owned by a user when the flow requires one. */
@Entity
@Table(name = "CRUX_SESSION", indexes = @Index(name = "CRUX_SESSION_OWNER", columnList = "KIND, USER_ID, CREATED_AT"))
public class SessionEntity {

    @Id
    @Column(name = "ID", length = 128)
    String id;

    @Column(name = "KIND", length = 200, nullable = false)
    String kind;

    @Column(name = "USER_ID", length = 128)
    String userId;

    @Convert(converter = InstantConverter.class)
    @Column(name = "CREATED_AT", nullable = false)
    Instant createdAt;

    @Convert(converter = InstantConverter.class)
    @Column(name = "UPDATED_AT", nullable = false)
    Instant updatedAt;

    @Version
    @Column(name = "VERSION", nullable = false)
    long version;
}
