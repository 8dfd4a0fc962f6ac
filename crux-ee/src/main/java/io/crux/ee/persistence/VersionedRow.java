package io.crux.ee.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

/**
 * The column every crux-ee table has: {@code VERSION BIGINT NOT NULL}, the row's optimistic-lock
 * version, which the provider checks and increments on each update (and the PostgreSQL state
 * statements and lease renewals increment themselves).
 */
@MappedSuperclass
public abstract class VersionedRow {

    @Version
    @Column(name = "VERSION", nullable = false)
    long version;
}
